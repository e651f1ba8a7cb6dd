/*
 * prefault: see prefault.h.
 */
#define _DEFAULT_SOURCE /* madvise */
#include "prefault.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <time.h>
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
static bool busy;      /* the helper is doing a range it took */
static bool running;   /* the helper thread exists */
static int can;        /* can the kernel populate memory?  0: not asked yet, 1 yes, -1 no */
static uint64_t asked, dropped;

static void *helper(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    for (;;) {
        while (count == 0) {
            /* a second without work: end (the next range starts a helper
             * again), so that a finished simulation leaves no thread */
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += GV_PREFAULT_IDLE_S;
            if (pthread_cond_timedwait(&work, &mu, &until) == ETIMEDOUT && count == 0) {
                running = false;
                pthread_cond_broadcast(&idle);
                pthread_mutex_unlock(&mu);
                return NULL;
            }
        }
        uintptr_t p = queue[head].p;
        size_t len = queue[head].len;
        head = (head + 1) % GV_PREFAULT_QUEUE;
        count--;
        busy = true;
        pthread_mutex_unlock(&mu);
        /* An error is about this range only: it was unmapped, or its place
         * taken by another mapping (read-only, a guard page), meanwhile.
         * Nothing is changed then either. */
        (void)madvise((void *)p, len, MADV_POPULATE_WRITE);
        pthread_mutex_lock(&mu);
        busy = false;
        if (count == 0)
            pthread_cond_broadcast(&idle);
    }
    return NULL;
}

/* Can this kernel populate memory?  Asked once, on a page of our own. */
static bool kernel_can(void)
{
    long ps = sysconf(_SC_PAGESIZE);
    size_t len = ps > 0 ? (size_t)ps : 4096;
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return false;
    bool ok = madvise(p, len, MADV_POPULATE_WRITE) == 0;
    munmap(p, len);
    return ok;
}

/* Ask the kernel once.  Under mu. */
static bool supported(void)
{
    if (can == 0)
        can = kernel_can() ? 1 : -1;
    return can > 0;
}

/* Start the helper, with every signal blocked (signals are the caller's).
 * Under mu. */
static void start(void)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_t th;
    int rc = pthread_create(&th, NULL, helper, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc == 0) {
        pthread_detach(th);
        running = true;
    }
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
    asked += b - a;
    if (supported() && !running)
        start();
    if (running && count < GV_PREFAULT_QUEUE) {
        unsigned i = (head + count++) % GV_PREFAULT_QUEUE;
        queue[i].p = a;
        queue[i].len = b - a;
        pthread_cond_signal(&work);
    } else {
        dropped++;
    }
    pthread_mutex_unlock(&mu);
}

bool gv_prefault_supported(void)
{
    pthread_mutex_lock(&mu);
    bool ok = supported();
    pthread_mutex_unlock(&mu);
    return ok;
}

void gv_prefault_sync(void)
{
    pthread_mutex_lock(&mu);
    while (running && (count > 0 || busy))
        pthread_cond_wait(&idle, &mu);
    pthread_mutex_unlock(&mu);
}

bool gv_prefault_running(void)
{
    pthread_mutex_lock(&mu);
    bool r = running;
    pthread_mutex_unlock(&mu);
    return r;
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
