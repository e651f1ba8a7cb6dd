/*
 * prefault: see prefault.h.
 */
#define _DEFAULT_SOURCE /* madvise */
#include "prefault.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER; /* a range is queued */
static pthread_cond_t idle = PTHREAD_COND_INITIALIZER; /* the queue is done */
static struct {
    uintptr_t p;
    size_t len;
} queue[GV_PREFAULT_QUEUE];
static unsigned head, count;
static bool busy;        /* the helper is doing a range it took */
static bool started;
static bool unsupported; /* the kernel said no: stop asking */
static uint64_t asked, dropped;

static void *helper(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    for (;;) {
        while (count == 0)
            pthread_cond_wait(&work, &mu);
        uintptr_t p = queue[head].p;
        size_t len = queue[head].len;
        head = (head + 1) % GV_PREFAULT_QUEUE;
        count--;
        busy = true;
        bool skip = unsupported;
        pthread_mutex_unlock(&mu);
        /* ENOMEM if (part of) the range was unmapped meanwhile: fine */
        int rc = skip ? 0 : madvise((void *)p, len, MADV_POPULATE_WRITE);
        int err = errno;
        pthread_mutex_lock(&mu);
        if (rc != 0 && err == EINVAL)
            unsupported = true; /* an older kernel */
        busy = false;
        if (count == 0 || unsupported)
            pthread_cond_broadcast(&idle);
    }
    return NULL;
}

/* Start the helper with every signal blocked: signals are the caller's. */
static bool start(void)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_t th;
    int rc = pthread_create(&th, NULL, helper, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        return false;
    pthread_detach(th);
    return true;
}

void gv_prefault(void *p, size_t len)
{
    long ps = sysconf(_SC_PAGESIZE);
    uintptr_t page = ps > 0 ? (uintptr_t)ps : 4096;
    uintptr_t a = ((uintptr_t)p + page - 1) & ~(page - 1);
    uintptr_t b = ((uintptr_t)p + len) & ~(page - 1);
    if (!p || b <= a || b - a < GV_PREFAULT_MIN)
        return;
    pthread_mutex_lock(&mu);
    if (!started && !unsupported) {
        started = true;
        unsupported = !start();
    }
    if (unsupported) {
        pthread_mutex_unlock(&mu);
        return;
    }
    asked += b - a;
    if (count < GV_PREFAULT_QUEUE) {
        unsigned i = (head + count++) % GV_PREFAULT_QUEUE;
        queue[i].p = a;
        queue[i].len = b - a;
        pthread_cond_signal(&work);
    } else {
        dropped++;
    }
    pthread_mutex_unlock(&mu);
}

bool gv_prefault_sync(void)
{
    pthread_mutex_lock(&mu);
    while (started && !unsupported && (count > 0 || busy))
        pthread_cond_wait(&idle, &mu);
    bool ok = started && !unsupported;
    pthread_mutex_unlock(&mu);
    return ok;
}

uint64_t gv_prefault_asked(void)
{
    pthread_mutex_lock(&mu);
    uint64_t n = asked;
    pthread_mutex_unlock(&mu);
    return n;
}

uint64_t gv_prefault_dropped(void)
{
    pthread_mutex_lock(&mu);
    uint64_t n = dropped;
    pthread_mutex_unlock(&mu);
    return n;
}
