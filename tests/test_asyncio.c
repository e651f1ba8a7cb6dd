/*
 * test_asyncio: the event loop, tasks, futures, callbacks, executors,
 * queues and process pools.  Each test states a rule of asyncio (or of
 * queue / multiprocessing) and checks it on a small scene, mostly through
 * the timeline, which is what the player and exporters will show.
 *
 * Fidelity tolerances (the scenes use the default machine):
 *  - 100 tasks awaiting 100 ms of I/O: 100 ms to +10% (the loop's own
 *    passes and 100 x 50 us of parsing add a few ms);
 *  - the same on 100 threads: below +20% (each thread needs the GIL back
 *    after its I/O, one after another);
 *  - sequentially: 10 s to +1%;
 *  - CPU work over a pool of 4 processes on 4 cores: 25% to 27% of the
 *    sequential time (1/N plus the fork start-up of 2 ms and the pickling);
 *  - a blocking call of 50 ms in one coroutine: every other task at least
 *    45 ms later (a tick may fall just before the call).
 */
#include "sim_helpers.h"

#define MS GV_NS_PER_MS
#define US GV_NS_PER_US

/* Index of the task called `name`. */
static int task_index(const struct run *r, const char *name)
{
    for (int32_t i = 0; i < r->st->ntasks; i++)
        if (strcmp(r->st->tasks[i].name, name) == 0)
            return (int)i;
    fail_msg("no task named %s", name);
    return -1;
}

/* Times at which the loop started running callback `coro` (LOOP_CALLBACK). */
static int callback_runs(const struct run *r, int32_t coro, gv_ns *when, int max)
{
    int n = 0;
    for (uint64_t i = 0; i < timeline_count(r->tl) && n < max; i++) {
        const struct tl_rec *x = timeline_get(r->tl, i);
        if (x->kind == TL_STATE && timeline_lane(r->tl, x->lane)->kind == LANE_LOOP && x->code == LOOP_CALLBACK &&
            x->arg == coro)
            when[n++] = x->t;
    }
    return n;
}

static int32_t coro_index(const struct run *r, const char *name)
{
    for (int32_t i = 0; i < r->sc->ncoros; i++)
        if (strcmp(r->sc->coros[i].name, name) == 0)
            return i;
    fail_msg("no task or callback named %s", name);
    return -1;
}

/* ---- the loop ------------------------------------------------------------------ */

static void hundred_tasks_overlap_their_io(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "cores 4\nloop app:\n    task fetch x100:\n        await io 100ms \"GET\"\n"
                  "        cpu 50us \"parse\"\nmain:\n    run app\n");
    assert_int_equal(r.rc, 0);
    /* 100 awaits of 100 ms overlap: about 100 ms, not 10 s */
    assert_true(r.st->wall_ns >= 100 * MS);
    assert_true(r.st->wall_ns < 110 * MS);
    assert_int_equal(r.st->ntasks, 100);
    for (int i = 0; i < 100; i++) {
        assert_true(r.st->tasks[i].done >= 100 * MS);
        assert_true(r.st->tasks[i].pending_ns >= 100 * MS);
    }
    assert_int_equal(r.st->io_ops, 100);
    assert_true(r.st->nloops == 1 && r.st->loops[0].iterations >= 2);
    /* the speedup over sequential work is about 100x */
    assert_true(r.st->speedup > 80.0);
    check_invariants(&r);
    run_free(&r);
}

static void the_same_downloads_on_threads_and_sequentially(void **state)
{
    (void)state;
    struct run threads, seq;
    run_scene(&threads, "cores 4\nthread fetch x100:\n    io 100ms \"GET\"\n    cpu 50us \"parse\"\n");
    run_scene(&seq, "cores 4\nthread fetch:\n    repeat 100:\n        io 100ms \"GET\"\n        cpu 50us \"parse\"\n");
    /* threads release the GIL in I/O: close to the asyncio time */
    assert_true(threads.st->wall_ns < 120 * MS);
    /* one after another: about 10 s */
    assert_true(seq.st->wall_ns > 10000 * MS);
    assert_true(seq.st->wall_ns < 10100 * MS);
    run_free(&threads);
    run_free(&seq);
}

/* A callback scheduled while a pass runs waits for the next pass, after
 * another select(). */
static void callback_scheduled_during_a_pass_runs_after_the_next_select(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "loop app:\n    task top:\n        call_soon first\n        await sleep 1ms\n"
                  "    callback first:\n        cpu 10us\n        call_soon second\n"
                  "    callback second:\n        cpu 10us\nmain:\n    run app\n");
    assert_int_equal(r.rc, 0);
    gv_ns t1[4], t2[4];
    assert_int_equal(callback_runs(&r, coro_index(&r, "first"), t1, 4), 1);
    assert_int_equal(callback_runs(&r, coro_index(&r, "second"), t2, 4), 1);
    assert_true(t2[0] > t1[0]);
    /* a new pass (EV_LOOP_ITERATION) lies between them */
    int passes = 0;
    for (uint64_t i = 0; i < timeline_count(r.tl); i++) {
        const struct tl_rec *x = timeline_get(r.tl, i);
        if (x->kind == TL_EVENT && x->code == EV_LOOP_ITERATION && x->t >= t1[0] && x->t <= t2[0])
            passes++;
    }
    assert_true(passes >= 1);
    check_invariants(&r);
    run_free(&r);
}

static void timers_fire_in_time_order(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "loop app:\n    task top:\n        call_later 30ms late\n        call_later 10ms early\n"
                  "        await sleep 50ms\n    callback late:\n        cpu 10us\n    callback early:\n        cpu 10us\n"
                  "main:\n    run app\n");
    gv_ns early[2], late[2];
    assert_int_equal(callback_runs(&r, coro_index(&r, "early"), early, 2), 1);
    assert_int_equal(callback_runs(&r, coro_index(&r, "late"), late, 2), 1);
    assert_true(early[0] >= 10 * MS && early[0] < 11 * MS);
    assert_true(late[0] >= 30 * MS && late[0] < 31 * MS);
    int m = task_index(&r, "top");
    assert_true(r.st->tasks[m].done >= 50 * MS);
    run_free(&r);
}

static void gather_waits_for_every_task(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "loop app:\n    task top:\n        await gather worker\n        cpu 10us\n"
                  "    task worker x10:\n        await io 20ms\nmain:\n    run app\n");
    assert_int_equal(r.rc, 0);
    int m = task_index(&r, "top");
    gv_ns last = 0;
    for (int i = 1; i <= 10; i++) {
        char name[32];
        snprintf(name, sizeof name, "worker%d", i);
        int w = task_index(&r, name);
        assert_true(r.st->tasks[w].created >= 0);
        last = r.st->tasks[w].done > last ? r.st->tasks[w].done : last;
    }
    assert_true(r.st->tasks[m].done > last);
    assert_true(r.st->tasks[m].done < 25 * MS);
    run_free(&r);
}

static void cancelled_task_ends_at_its_await(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "loop app:\n    task sleeper:\n        await sleep 1s\n        cpu 1ms\n"
                  "    task killer:\n        await sleep 10ms\n        cancel sleeper\nmain:\n    run app\n");
    assert_int_equal(r.rc, 0);
    int s = task_index(&r, "sleeper");
    assert_true(r.st->tasks[s].cancelled);
    assert_true(r.st->tasks[s].done >= 10 * MS && r.st->tasks[s].done < 20 * MS);
    assert_true(r.st->wall_ns < 30 * MS); /* the loop did not wait out the second */
    run_free(&r);
}

/* The last state a task's lane records. */
static int last_task_state(const struct run *r, int task)
{
    int lane = -1, code = -1;
    for (int i = 0; i < timeline_nlanes(r->tl); i++)
        if (timeline_lane(r->tl, i)->kind == LANE_TASK && strcmp(timeline_lane(r->tl, i)->name, r->st->tasks[task].name) == 0)
            lane = i;
    assert_true(lane >= 0);
    for (uint64_t i = 0; i < timeline_count(r->tl); i++) {
        const struct tl_rec *x = timeline_get(r->tl, i);
        if (x->kind == TL_STATE && x->lane == lane)
            code = x->code;
    }
    return code;
}

/* The sequential time (the report's speedup) counts the waits as they
 * happened: a sleep or an I/O cut short by cancel() counts up to the cancel,
 * not the whole length it was written with. */
static void cancelled_waits_count_what_was_waited(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "loop app:\n    task sleeper:\n        await sleep 1s\n"
                  "    task reader:\n        await io 500ms\n"
                  "    task killer:\n        await sleep 10ms\n        cancel sleeper\n        cancel reader\n"
                  "main:\n    run app\n");
    assert_int_equal(r.rc, 0);
    /* 10 ms for each of the three, give or take the loop's microseconds */
    assert_true(r.st->sequential_ns >= 30 * MS && r.st->sequential_ns < 31 * MS);
    assert_true(r.st->wall_ns < 11 * MS);
    run_free(&r);
}

/* A task cancelled in an await ends there, once: what it waited for
 * finishing later (its timer, the executor's work) wakes nothing; it was
 * scheduled again and, awaiting a future, cancelled a second time, which
 * ended the loop while another task still ran.  Cancelling a task that
 * awaits a future cancels the future (Task.cancel cancels _fut_waiter):
 * every task awaiting it ends with CancelledError, its done callbacks run,
 * and a task that awaits it later ends at that await. */
static void cancelled_task_stays_cancelled(void **state)
{
    (void)state;
    static const char text[] = "loop app:\n    future answer\n    executor 1\n"
                               "    task onfut:\n        add_done_callback answer noted\n        await answer\n"
                               "        cpu 1ms\n"
                               "    task alsofut:\n        await answer\n        cpu 1ms\n"
                               "    task onsleep:\n        await sleep 20ms\n        cpu 1ms\n"
                               "    task onexec:\n        await executor sleep 20ms\n        cpu 1ms\n"
                               "    task late:\n        await sleep 10ms\n        await answer\n        cpu 1ms\n"
                               "    task boss:\n        await sleep 1ms\n        cancel onfut\n"
                               "        cancel onsleep\n        cancel onexec\n        await sleep 35ms\n"
                               "        cpu 1ms\n"
                               "    callback noted:\n        cpu 100us\n"
                               "main:\n    run app\n";
    for (int on = 0; on < 2; on++) {
        struct run r;
        prepare_scene(&r, text, NULL);
        engine_set_await_shortcut(r.e, on);
        r.rc = engine_run(r.e, r.err, sizeof r.err);
        assert_int_equal(r.rc, 0);
        static const char *const victims[] = { "onfut", "alsofut", "onsleep", "onexec" };
        for (int v = 0; v < 4; v++) {
            int k = task_index(&r, victims[v]);
            assert_true(r.st->tasks[k].cancelled);
            assert_true(r.st->tasks[k].done >= 1 * MS && r.st->tasks[k].done < 2 * MS);
            assert_true(r.st->tasks[k].scheduled_ns < 1 * MS);
            assert_int_equal(last_task_state(&r, k), TK_CANCELLED);
        }
        int late = task_index(&r, "late");
        assert_true(r.st->tasks[late].cancelled);
        assert_true(r.st->tasks[late].done >= 10 * MS && r.st->tasks[late].done < 11 * MS);
        assert_true(r.st->tasks[late].running_ns < 1 * MS); /* its cpu 1ms never ran */
        int b = task_index(&r, "boss");
        assert_false(r.st->tasks[b].cancelled);
        assert_true(r.st->tasks[b].done >= 37 * MS); /* the loop ran it to its end */
        assert_int_equal(last_task_state(&r, b), TK_DONE);
        gv_ns when[4];
        assert_int_equal(callback_runs(&r, coro_index(&r, "noted"), when, 4), 1);
        assert_true(when[0] >= 1 * MS && when[0] < 2 * MS);
        int cancelled = 0;
        for (uint64_t i = 0; i < timeline_count(r.tl); i++) {
            const struct tl_rec *x = timeline_get(r.tl, i);
            cancelled += x->kind == TL_EVENT && x->code == EV_FUTURE_DONE && x->flags == 1;
        }
        assert_int_equal(cancelled, 1);
        check_invariants(&r);
        run_free(&r);
    }
}

/* Cancelling a task that awaits a gather cancels the gathered tasks
 * (_GatheringFuture.cancel); the task itself ends, cancelled, once they
 * have ended -- not when they would have finished. */
static void cancelling_a_gather_cancels_what_it_gathers(void **state)
{
    (void)state;
    for (int on = 0; on < 2; on++) {
        struct run r;
        prepare_scene(&r, "loop app:\n    task child x3:\n        await sleep 50ms\n        cpu 1ms\n"
                          "    task parent:\n        await gather child\n        cpu 1ms\n"
                          "    task boss:\n        await sleep 5ms\n        cancel parent\n        await sleep 100ms\n"
                          "main:\n    run app\n", NULL);
        engine_set_await_shortcut(r.e, on);
        r.rc = engine_run(r.e, r.err, sizeof r.err);
        assert_int_equal(r.rc, 0);
        gv_ns last = 0;
        static const char *const children[] = { "child1", "child2", "child3" };
        for (int c = 0; c < 3; c++) {
            int k = task_index(&r, children[c]);
            assert_true(r.st->tasks[k].cancelled);
            assert_true(r.st->tasks[k].done >= 5 * MS && r.st->tasks[k].done < 6 * MS);
            last = r.st->tasks[k].done > last ? r.st->tasks[k].done : last;
        }
        int p = task_index(&r, "parent");
        assert_true(r.st->tasks[p].cancelled);
        assert_true(r.st->tasks[p].done >= last && r.st->tasks[p].done < 6 * MS);
        assert_true(r.st->tasks[task_index(&r, "boss")].done >= 105 * MS);
        check_invariants(&r);
        run_free(&r);
    }
}

/* ... so that setting its result afterwards raises InvalidStateError. */
static void set_result_on_a_cancelled_future_fails(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "loop app:\n    future answer\n    task waiter:\n        await answer\n"
                  "    task boss:\n        await sleep 1ms\n        cancel waiter\n        await sleep 1ms\n"
                  "        set_result answer\nmain:\n    run app\n");
    assert_int_not_equal(r.rc, 0);
    assert_non_null(strstr(r.err, "InvalidStateError"));
    assert_non_null(strstr(r.err, "cancelled"));
    run_free(&r);
}

static void future_set_by_a_callback_resumes_its_waiter(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "loop app:\n    future answer\n    task waiter:\n        await answer\n        cpu 10us\n"
                  "    task setter:\n        call_later 5ms deliver\n"
                  "    callback deliver:\n        set_result answer\nmain:\n    run app\n");
    assert_int_equal(r.rc, 0);
    int w = task_index(&r, "waiter");
    assert_true(r.st->tasks[w].done >= 5 * MS && r.st->tasks[w].done < 6 * MS);
    assert_int_equal(count_events(r.tl, EV_FUTURE_DONE), 1);
    /* every notification's effect carries the id its cause gave out */
    uint64_t outs = count_events(r.tl, EV_FLOW_OUT), ins = count_events(r.tl, EV_FLOW_IN);
    assert_true(ins > 0 && ins <= outs);
    run_free(&r);
}

static void thread_notifies_the_loop_with_call_soon_threadsafe(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "cores 2\nloop app:\n    future done\n    task top:\n        await done\n"
                  "    callback notify:\n        set_result done\n"
                  "main:\n    start worker\n    run app\n"
                  "thread worker:\n    sleep 20ms\n    call_soon_threadsafe notify\n");
    assert_int_equal(r.rc, 0);
    int m = task_index(&r, "top");
    /* the loop sleeps in select until the self-pipe wakes it */
    assert_true(r.st->tasks[m].done >= 20 * MS && r.st->tasks[m].done < 21 * MS);
    assert_true(r.st->threads[thread_index(&r, "main")].select_ns > 19 * MS);
    run_free(&r);
}

static void blocking_call_in_a_coroutine_stalls_every_task(void **state)
{
    (void)state;
    static const char ok[] = "loop app:\n    task tick x5:\n        repeat 10:\n            await sleep 1ms\n"
                             "            cpu 10us\n    task slow:\n        await sleep 2ms\n        %s 50ms\n"
                             "main:\n    run app\n";
    char text[512];
    struct run fine, stuck;
    snprintf(text, sizeof text, ok, "await sleep");
    run_scene(&fine, text);
    snprintf(text, sizeof text, ok, "sleep");   /* time.sleep blocks the loop */
    run_scene(&stuck, text);
    int t1 = task_index(&fine, "tick1"), s1 = task_index(&stuck, "tick1");
    /* every ticker is late by the blocking call's length */
    assert_true(fine.st->tasks[t1].done < 15 * MS);
    assert_true(stuck.st->tasks[s1].done >= fine.st->tasks[t1].done + 45 * MS);
    /* and the loop flags it like asyncio's debug mode (>= 100 ms: not here) */
    assert_int_equal(stuck.st->loops[0].slow_callbacks, 0);
    assert_true(stuck.st->loops[0].lag_max_ns >= 45 * MS);
    run_free(&fine);
    run_free(&stuck);
}

/* An awaited I/O's latency runs from the await until the task runs again,
 * as a thread's runs until it is back in Python: a loop busy elsewhere when
 * the I/O completes adds its delay. */
static void awaited_io_latency_counts_until_the_task_runs(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "loop app:\n    task reader:\n        await io 10ms \"recv()\"\n        cpu 10us\n"
                  "    task hog:\n        await sleep 5ms\n        cpu 10ms\nmain:\n    run app\n");
    /* the I/O is done at 10 ms, but hog holds the loop from 5 to 15 ms */
    assert_int_equal(r.st->io_ops, 1);
    assert_true(r.st->io_mean_ns >= 15 * MS && r.st->io_mean_ns < 15 * MS + 100 * GV_NS_PER_US);
    assert_int_equal(r.st->io_max_ns, r.st->io_mean_ns);
    assert_int_equal(r.st->io_p50_ns, r.st->io_mean_ns);
    run_free(&r);
}

/* The lag's p99 is by nearest rank: the smallest lag with 99% of them at or
 * below it, so with fewer than 100 callbacks it is the largest. */
static void lag_p99_is_the_nearest_rank(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "loop app:\n    task hog:\n        cpu 1ms\n    task a:\n        cpu 100us\n"
                  "    task b:\n        cpu 200us\n    task c:\n        cpu 300us\n"
                  "main:\n    run app\n");
    const struct loop_stats *l = &r.st->loops[0];
    /* lags 0, 1, 1.1 and 1.3 ms: the last is c's, behind hog, a and b */
    assert_true(l->handles < 100);
    assert_true(l->lag_max_ns >= 1300 * GV_NS_PER_US);
    assert_int_equal(l->lag_p99_ns, l->lag_max_ns);
    run_free(&r);
}

static void slow_callback_is_flagged(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "loop app:\n    slow_callback 100ms\n    task hog:\n        cpu 150ms\n        await sleep 1ms\n"
                  "        cpu 10ms\nmain:\n    run app\n");
    assert_int_equal(r.st->loops[0].slow_callbacks, 1);
    assert_int_equal(count_events(r.tl, EV_SLOW_CALLBACK), 1);
    run_free(&r);
}

static void run_in_executor_runs_on_a_thread_pool(void **state)
{
    (void)state;
    static const char text[] = "cores 4\nloop app:\n    executor %d\n    task job x4:\n"
                               "        await executor sleep 50ms \"time.sleep\"\nmain:\n    run app\n";
    char buf[256];
    struct run two, four;
    snprintf(buf, sizeof buf, text, 2);
    run_scene(&two, buf);
    snprintf(buf, sizeof buf, text, 4);
    run_scene(&four, buf);
    assert_int_equal(two.rc, 0);
    /* four blocking calls: two rounds on 2 threads, one on 4 */
    assert_true(two.st->wall_ns >= 100 * MS && two.st->wall_ns < 110 * MS);
    assert_true(four.st->wall_ns >= 50 * MS && four.st->wall_ns < 60 * MS);
    assert_int_equal(two.st->loops[0].executor_threads, 2);
    assert_int_equal(four.st->loops[0].executor_threads, 4);
    assert_true(two.st->loops[0].executor_utilisation > 0.8);
    check_invariants(&two);
    run_free(&two);
    run_free(&four);
}

/* A ThreadPoolExecutor worker waits for more work in its queue's get(),
 * without the GIL: after CPU work handed to it, the loop and the other
 * threads go on (they used to wait for the GIL until the horizon). */
static void idle_executor_thread_lets_go_of_the_gil(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "python 3.12\ncores 2\nloop app:\n    executor 1\n    task t:\n"
                  "        await executor cpu 2ms\n        await sleep 1ms\nmain:\n    start other\n"
                  "    run app\nthread other:\n    cpu 5ms\n");
    assert_int_equal(r.rc, 0);
    assert_false(r.st->horizon_hit);
    assert_false(r.st->deadlock);
    /* 5 ms of `other` and 2 ms of executor work share one GIL, then 1 ms of sleep */
    assert_true(r.st->wall_ns >= 8 * MS && r.st->wall_ns < 9 * MS);
    assert_int_equal(r.st->tasks[0].done >= 0, 1);
    check_invariants(&r);
    run_free(&r);
}

static void cpu_thread_beside_the_loop_delays_its_callbacks(void **state)
{
    (void)state;
    /* the same neighbour thread, once in C code that releases the GIL, once
     * in pure Python that holds it */
    static const char text[] = "python 3.12\ncores 2\nloop app:\n    task tick:\n        repeat 20:\n"
                               "            await sleep 1ms\n            cpu 10us\n"
                               "main:\n    run app\nthread cruncher:\n    %s 500ms\n";
    char buf[512];
    struct run calm, busy;
    snprintf(buf, sizeof buf, text, "nogil");
    run_scene(&calm, buf);
    snprintf(buf, sizeof buf, text, "cpu");
    run_scene(&busy, buf);
    /* with a CPU-bound thread holding the GIL, each pass of the loop waits
     * about a switch interval before it can run Python again */
    assert_true(calm.st->loops[0].lag_mean_ns < 100 * US);
    assert_true(busy.st->loops[0].lag_mean_ns > 4 * MS);
    int tc = task_index(&calm, "tick"), tb = task_index(&busy, "tick");
    assert_true(busy.st->tasks[tb].done > calm.st->tasks[tc].done + 40 * MS);
    check_invariants(&busy);
    run_free(&calm);
    run_free(&busy);
}

/* ---- queues and pools ---------------------------------------------------------------- */

static void bounded_queue_blocks_the_producer(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "cores 2\nqueue jobs size 2\nthread producer:\n    repeat 20:\n        cpu 100us\n        put jobs\n"
                  "thread consumer:\n    repeat 20:\n        get jobs\n        io 1ms \"handle\"\n");
    assert_int_equal(r.rc, 0);
    int p = thread_index(&r, "producer"), c = thread_index(&r, "consumer");
    assert_true(r.st->threads[p].queue_wait_ns > 10 * MS); /* waits for room */
    assert_true(r.st->threads[c].end > 20 * MS);
    assert_true(r.st->threads[p].end < r.st->threads[c].end);
    check_invariants(&r);
    run_free(&r);
}

static void pool_of_processes_runs_cpu_work_in_parallel(void **state)
{
    (void)state;
    struct run pool, seq;
    run_scene(&pool, "cores 4\npool workers x4 fork\nmain:\n    map workers 16:\n        cpu 100ms \"crunch\"\n");
    run_scene(&seq, "cores 4\nmain:\n    repeat 16:\n        cpu 100ms \"crunch\"\n");
    assert_int_equal(pool.rc, 0);
    double ratio = (double)pool.st->wall_ns / (double)seq.st->wall_ns;
    /* 1/4 of the sequential time plus the start-up: within 5% of 0.25 */
    assert_true(ratio > 0.25 && ratio < 0.27);
    assert_true(pool.st->speedup > 3.5);
    /* each worker is a process with its own GIL: 1 main + 4 */
    assert_int_equal(pool.st->nprocs, 5);
    check_invariants(&pool);
    run_free(&pool);
    run_free(&seq);
}

static void spawn_costs_more_than_fork_and_pickling_costs_time(void **state)
{
    (void)state;
    struct run fork, spawn, big;
    run_scene(&fork, "cores 4\npool w x4 fork\nmain:\n    map w 4:\n        cpu 10ms\n");
    run_scene(&spawn, "cores 4\npool w x4 spawn\nmain:\n    map w 4:\n        cpu 10ms\n");
    run_scene(&big, "cores 4\npool w x4 fork\nmain:\n    map w 4 send 10MB recv 10MB:\n        cpu 10ms\n");
    /* spawn boots an interpreter per worker (50 ms by default) */
    assert_true(spawn.st->wall_ns > fork.st->wall_ns + 40 * MS);
    /* 4 x 10 MB each way at 4 ms/MB, in the caller and the workers */
    assert_true(big.st->wall_ns > fork.st->wall_ns + 200 * MS);
    run_free(&fork);
    run_free(&spawn);
    run_free(&big);
}

static void asyncio_runs_are_deterministic(void **state)
{
    (void)state;
    static const char text[] = "cores 2\nloop app:\n    executor 2\n    task fetch x20:\n        await io 10ms\n"
                               "        cpu 200us\n        await executor nogil 1ms\nmain:\n    run app\n"
                               "thread other:\n    cpu 30ms\n";
    struct run a, b;
    run_scene(&a, text);
    run_scene(&b, text);
    assert_true(timeline_hash(a.tl) == timeline_hash(b.tl));
    check_invariants(&a);
    run_free(&a);
    run_free(&b);
}

/* Simulate `text` with the engine's shortcut after an await on or off;
 * returns the timeline's hash (and its record count in *n). */
/* FNV-1a over n bytes, continuing from h. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * UINT64_C(1099511628211);
    return h;
}

static uint64_t hash_with_shortcut(const char *text, const char *seed, bool on, uint64_t *n)
{
    const char *sets[] = { seed, NULL };
    struct run r;
    prepare_scene(&r, text, sets);
    engine_set_await_shortcut(r.e, on);
    r.rc = engine_run(r.e, r.err, sizeof r.err);
    assert_int_equal(r.rc, 0);
    uint64_t h = timeline_hash(r.tl);
    *n = timeline_count(r.tl);
    /* and the figures drawn from samples and counts, not from records */
    const struct sim_stats *st = engine_stats(r.e);
    gv_ns io[4] = { st->io_mean_ns, st->io_p50_ns, st->io_p99_ns, st->io_max_ns };
    h = fnv(h, io, sizeof io);
    h = fnv(h, &st->io_ops, sizeof st->io_ops);
    h = fnv(h, &st->events, sizeof st->events);
    for (int32_t l = 0; l < st->nloops; l++) {
        const struct loop_stats *ls = &st->loops[l];
        gv_ns lag[3] = { ls->lag_mean_ns, ls->lag_p99_ns, ls->lag_max_ns };
        h = fnv(h, lag, sizeof lag);
        h = fnv(h, &ls->handles, sizeof ls->handles);
        h = fnv(h, &ls->iterations, sizeof ls->iterations);
    }
    for (int32_t k = 0; k < st->ntasks; k++) {
        const struct task_stats *ts = &st->tasks[k];
        gv_ns acc[3] = { ts->scheduled_ns, ts->running_ns, ts->pending_ns };
        h = fnv(h, acc, sizeof acc);
        h = fnv(h, &ts->done, sizeof ts->done);
    }
    run_free(&r);
    return h;
}

/* After an await the loop's thread goes straight to its next ready handle
 * when nothing else is due at that step boundary: the timeline is the one
 * the plain step loop gives, here where something is due (kernel work owed
 * for taking the GIL back after a blocking call, with a CPU thread pressing
 * for it; executors, futures, call_soon_threadsafe) and in every built-in
 * scene, for three seeds. */
static void await_shortcut_changes_no_timeline(void **state)
{
    (void)state;
    static const char blocking_then_await[] =
        "python 3.12\ncores 2\nloop app:\n    task t:\n        repeat 50:\n            io 1ms\n"
        "            await sleep 1ms\n    task u x3:\n        repeat 50:\n            await sleep 1ms\n"
        "            cpu 100us\nmain:\n    start hog\n    run app\nthread hog:\n    cpu 500ms\n";
    static const char mixed[] =
        "python 3.12\ncores 3\nloop app:\n    executor 2\n    future f\n    task consumer x20:\n"
        "        await f\n        await executor nogil 1ms\n        await executor io 2ms\n"
        "        io 200us\n        await sleep 1ms\n        io 100us\n        await io 1ms\n"
        "    task ticker x3:\n        repeat 100:\n            await sleep 500us\n            cpu 50us\n"
        "    callback deliver:\n        cpu 200us\n        set_result f\n    callback note:\n        cpu 10us\n"
        "main:\n    start worker\n    start hog\n    run app\nthread worker:\n    repeat 30:\n"
        "        sleep 2ms\n        call_soon_threadsafe note\n    call_soon_threadsafe deliver\n"
        "thread hog x2:\n    repeat 300:\n        cpu 1ms\n";
    /* more tasks than get a lane: the ready queue's inline path takes them */
    static const char many[] =
        "python 3.12\ncores 2\nloop app:\n    future f\n    task w x1100:\n        await io 1ms\n"
        "        cpu 10us\n        await sleep 500us\n        await io 2ms\n        cpu 5us\n"
        "    task victim x40:\n        await sleep 3ms\n        cpu 10us\n    task killer:\n"
        "        await sleep 2ms\n        cancel victim\n        await f\n    task setter:\n"
        "        await sleep 4ms\n        set_result f\nmain:\n    start hog\n    run app\n"
        "thread hog:\n    repeat 20:\n        cpu 300us\n        sleep 200us\n";
    static const char *const seeds[] = { "seed=1", "seed=2", "seed=3" };
    char *paths[64];
    int np = builtin_scene_paths(paths, 64);
    assert_true(np >= 15);
    for (int k = -3; k < np; k++) {
        char *text = NULL;
        if (k >= 0) {
            size_t len;
            text = gv_read_file(paths[k], &len);
            assert_non_null(text);
        }
        const char *scene = k == -3 ? many : k == -2 ? blocking_then_await : k == -1 ? mixed : text;
        for (int i = 0; i < 3; i++) {
            uint64_t n1, n2;
            uint64_t h1 = hash_with_shortcut(scene, seeds[i], true, &n1);
            uint64_t h2 = hash_with_shortcut(scene, seeds[i], false, &n2);
            if (h1 != h2 || n1 != n2)
                fail_msg("%s, %s: %llu records with the shortcut, %llu without (hashes differ: %d)",
                         k >= 0 ? paths[k] : k == -3 ? "many tasks" : k == -2 ? "blocking call then await"
                                                                          : "mixed scene",
                         seeds[i],
                         (unsigned long long)n1, (unsigned long long)n2, h1 != h2);
        }
        free(text);
    }
    for (int k = 0; k < np; k++)
        free(paths[k]);
}

/* A run that fails in the loop (a second set_result on a future, sent from
 * another thread) stops where it fails, with or without the shortcut: the
 * pass that ends with the failing handle starts no next one. */
static void failed_run_stops_the_same_either_way(void **state)
{
    (void)state;
    static const char text[] =
        "python 3.12\nloop ev:\n    future f\n    task a x30:\n        repeat 10:\n"
        "            await sleep 0s\n            cpu 30us\n            await io 100us\n"
        "            await sleep 200us\nthread setter x2:\n    sleep 3ms\n    set_result f\n"
        "main:\n    start setter\n    run ev\n";
    static const char *const seeds[] = { "seed=1", "seed=2", "seed=3", "seed=4" };
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        uint64_t h[2], n[2], it[2];
        for (int on = 0; on < 2; on++) {
            const char *sets[] = { seeds[i], NULL };
            struct run r;
            prepare_scene(&r, text, sets);
            engine_set_await_shortcut(r.e, on);
            r.rc = engine_run(r.e, r.err, sizeof r.err);
            assert_int_equal(r.rc, -1);
            assert_non_null(strstr(r.err, "already done"));
            h[on] = timeline_hash(r.tl);
            n[on] = timeline_count(r.tl);
            it[on] = engine_stats(r.e)->loops[0].iterations;
            run_free(&r);
        }
        if (h[0] != h[1] || n[0] != n[1] || it[0] != it[1])
            fail_msg("%s: %llu records and %llu passes without the shortcut, %llu and %llu with it", seeds[i],
                     (unsigned long long)n[0], (unsigned long long)it[0], (unsigned long long)n[1],
                     (unsigned long long)it[1]);
    }
}

/* A burst of I/O completions (thousands at one instant while the loop sits
 * in select) is handled event by event, so an event cap that falls inside
 * it stops the run at the same event, with the same timeline, with or
 * without the engine's burst path. */
static void event_cap_inside_an_io_burst(void **state)
{
    (void)state;
    static const char text[] = "python 3.12\ncores 2\nloop app:\n    task t x3000:\n        await io 10ms\n"
                               "        cpu 5us\nmain:\n    run app\n";
    static const uint64_t caps[] = { 10, 1500, 2999 };
    for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
        uint64_t h[2], n[2], ev[2];
        for (int on = 0; on < 2; on++) {
            struct run r;
            prepare_scene(&r, text, NULL);
            engine_set_await_shortcut(r.e, on);
            engine_set_max_events(r.e, caps[c]);
            r.rc = engine_run(r.e, r.err, sizeof r.err);
            assert_int_equal(r.rc, 0);
            assert_true(engine_stats(r.e)->event_cap_hit);
            h[on] = timeline_hash(r.tl);
            n[on] = timeline_count(r.tl);
            ev[on] = engine_stats(r.e)->events;
            run_free(&r);
        }
        assert_int_equal(ev[0], caps[c]);
        assert_int_equal(ev[1], caps[c]);
        assert_int_equal(n[0], n[1]);
        assert_true(h[0] == h[1]);
    }
}

/* The engine's fast path for a burst of I/O completions (loop_io_burst)
 * against the plain one, event by event: completions while the loop sits in
 * select with no timeout (the first one wakes it) and with one (a later
 * wake-up is earlier or not), while the loop runs handles (no wake-up), and
 * completions of tasks without a lane followed in the same burst by ones
 * with a lane (a flow record: those are left to the plain path).  Group u
 * (no lanes: the first 1024 tasks have them) is woken from iodone in the
 * same pass as group l is by its timers, so u's I/O is awaited first.
 * Also loop_events' fast paths (not with the shortcut off) while the ready
 * ring wraps. */
static void io_burst_fast_path_changes_nothing(void **state)
{
    (void)state;
    static const char text[] =
        "python 3.12\ncores 2\nloop app:\n    task l x1024:\n        await sleep 1ms\n"
        "        repeat 2:\n            await io 1ms\n            cpu 5us\n    task u x60:\n"
        "        await io 1ms\n        repeat 4:\n            await io 1ms\n            cpu 5us\n"
        "main:\n    run app\n";
    /* the last I/O pending is a task's with a lane, after a burst of ones without */
    static const char last_has_a_lane[] =
        "python 3.12\nloop app:\n    task a x1023:\n        await sleep 1ms\n    task b:\n"
        "        await sleep 1ms\n        await io 1ms\n    task u x10:\n        await io 1ms\n"
        "        await io 1ms\nmain:\n    run app\n";
    /* plain tasks (the 1024 with lanes are done after one step) whose I/O
     * completions and due sleeps loop_events appends to a ready ring of
     * 2048 handles while its head goes round it: both walks wrap */
    static const char ring_wraps[] =
        "python 3.12\nloop app:\n    task a x1024:\n        cpu 1us\n    task u x300:\n"
        "        repeat 40:\n            await io 1ms\n            cpu 5us\n            await sleep 2ms\n"
        "main:\n    run app\n";
    /* bursts of completions 1us apart that run across the end of the ring
     * of the loop's pending I/O */
    static const char io_ring_wraps[] =
        "python 3.12\nloop app:\n    task a x1024:\n        cpu 1us\n    task u x100:\n"
        "        repeat 40:\n            await io 1ms\n            cpu 1us\n"
        "main:\n    run app\n";
    /* while the loop sits in select until c's timer has woken it, 50
     * completions whose wake-ups would come later (with the latency this
     * long) draw delays nobody looks at; the burst then stops at b's, a
     * task with a lane, and writes the generator back with those draws made
     * (the wake-ups that u's second I/O brings show it) */
    static const char skipped_draws_then_a_lane[] =
        "python 3.12\nwakeup_latency 500us\nloop app:\n    task b:\n        await sleep 1us\n"
        "        await io 1ms\n    task c:\n        await sleep 990us\n    task a x1022:\n        cpu 1ns\n"
        "    task u x50:\n        await io 1ms\n        await sleep 1ms\n        await io 1ms\nmain:\n    run app\n";
    static const char *const scenes[] = { text, last_has_a_lane, ring_wraps, io_ring_wraps, skipped_draws_then_a_lane };
    static const char *const seeds[] = { "seed=1", "seed=2", "seed=3" };
    for (size_t k = 0; k < sizeof scenes / sizeof scenes[0]; k++)
        for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
            uint64_t n1, n2;
            uint64_t h1 = hash_with_shortcut(scenes[k], seeds[i], true, &n1);
            uint64_t h2 = hash_with_shortcut(scenes[k], seeds[i], false, &n2);
            if (h1 != h2 || n1 != n2)
                fail_msg("scene %zu, %s: %llu records with the fast path, %llu without (hashes differ: %d)", k,
                         seeds[i], (unsigned long long)n1, (unsigned long long)n2, h1 != h2);
        }
}

static void never_set_future_is_reported_as_stuck(void **state)
{
    (void)state;
    struct run r;
    run_scene(&r, "loop app:\n    future never\n    task waiter:\n        await never\nmain:\n    run app\n");
    assert_int_equal(r.rc, 0);
    assert_true(r.st->deadlock);
    assert_non_null(strstr(r.st->deadlock_desc, "select"));
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hundred_tasks_overlap_their_io),
        cmocka_unit_test(awaited_io_latency_counts_until_the_task_runs),
        cmocka_unit_test(the_same_downloads_on_threads_and_sequentially),
        cmocka_unit_test(callback_scheduled_during_a_pass_runs_after_the_next_select),
        cmocka_unit_test(timers_fire_in_time_order),
        cmocka_unit_test(gather_waits_for_every_task),
        cmocka_unit_test(cancelled_task_ends_at_its_await),
        cmocka_unit_test(cancelled_task_stays_cancelled),
        cmocka_unit_test(cancelled_waits_count_what_was_waited),
        cmocka_unit_test(set_result_on_a_cancelled_future_fails),
        cmocka_unit_test(cancelling_a_gather_cancels_what_it_gathers),
        cmocka_unit_test(future_set_by_a_callback_resumes_its_waiter),
        cmocka_unit_test(thread_notifies_the_loop_with_call_soon_threadsafe),
        cmocka_unit_test(blocking_call_in_a_coroutine_stalls_every_task),
        cmocka_unit_test(lag_p99_is_the_nearest_rank),
        cmocka_unit_test(slow_callback_is_flagged),
        cmocka_unit_test(run_in_executor_runs_on_a_thread_pool),
        cmocka_unit_test(idle_executor_thread_lets_go_of_the_gil),
        cmocka_unit_test(cpu_thread_beside_the_loop_delays_its_callbacks),
        cmocka_unit_test(bounded_queue_blocks_the_producer),
        cmocka_unit_test(pool_of_processes_runs_cpu_work_in_parallel),
        cmocka_unit_test(spawn_costs_more_than_fork_and_pickling_costs_time),
        cmocka_unit_test(asyncio_runs_are_deterministic),
        cmocka_unit_test(await_shortcut_changes_no_timeline),
        cmocka_unit_test(event_cap_inside_an_io_burst),
        cmocka_unit_test(io_burst_fast_path_changes_nothing),
        cmocka_unit_test(failed_run_stops_the_same_either_way),
        cmocka_unit_test(never_set_future_is_reported_as_stuck),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
