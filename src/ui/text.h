/*
 * text: every word the player shows, in English and Portuguese.  One list
 * (TEXT_LIST) gives each message its id and both translations, so a message
 * cannot exist in one language only.  Format strings take the same
 * arguments in the same order in both languages.  The event log itself comes
 * from src/out/eventlog.c and is in English.
 */
#ifndef GV_TEXT_H
#define GV_TEXT_H

#define TEXT_LIST(X)                                                                            \
    X(T_PLAYING, "playing", "tocando")                                                          \
    X(T_PAUSED, "paused", "pausado")                                                            \
    X(T_END, "end", "fim")                                                                      \
    X(T_SIMULATING, "simulating %c %s so far", "simulando %c %s até agora")                     \
    X(T_CORES, "cores", "núcleos")                                                              \
    X(T_CORE1, "1 core", "1 núcleo")                                                            \
    X(T_NCORES, "%d cores", "%d núcleos")                                                       \
    X(T_CORE_N, "core %d", "núcleo %d")                                                         \
    X(T_THREADS, "threads", "threads")                                                          \
    X(T_EVENTS, "events", "eventos")                                                            \
    X(T_EVENTS_HINT, "newest last", "o mais recente por último")                                \
    X(T_TIME, "time", "tempo")                                                                  \
    X(T_IDLE, "idle", "ocioso")                                                                 \
    X(T_FREE, "free", "livre")                                                                  \
    X(T_HELD_BY, "held by %s", "com %s")                                                        \
    X(T_NO_GIL, "no GIL: free-threaded, threads run in parallel",                               \
      "sem GIL: free-threaded, as threads rodam em paralelo")                                  \
    X(T_WAITING, "waiting:", "esperam:")                                                        \
    X(T_NOBODY_WAITS, "nobody waits", "ninguém espera")                                         \
    X(T_DROP_PENDING, "drop_request set", "drop_request ligado")                                \
    X(T_LOCK, "lock %s", "trava %s")                                                            \
    /* thread states, short (lane status column and legend) */                                 \
    X(T_S_NEW, "not started", "não iniciada")                                                   \
    X(T_S_READY, "ready, no core", "pronta, sem núcleo")                                        \
    X(T_S_PYTHON, "Python", "Python")                                                           \
    X(T_S_CCALL, "C holding GIL", "C com a GIL")                                                \
    X(T_S_NOGIL, "C, GIL released", "C, GIL liberada")                                          \
    X(T_S_GIL_WAIT, "GIL wait", "espera a GIL")                                                 \
    X(T_S_SWITCH_WAIT, "switch wait", "cedendo a GIL")                                          \
    X(T_S_IO, "I/O", "E/S")                                                                     \
    X(T_S_SLEEP, "sleep", "dorme")                                                              \
    X(T_S_LOCK_WAIT, "lock wait", "espera trava")                                               \
    X(T_S_JOIN_WAIT, "join wait", "espera join")                                                \
    X(T_S_OS, "kernel", "kernel")                                                               \
    X(T_S_DONE, "done", "terminou")                                                             \
    X(T_S_SELECT, "select()", "select()")                                                       \
    X(T_S_QUEUE_WAIT, "queue wait", "espera fila")                                              \
    X(T_S_IDLE, "idle worker", "worker ocioso")                                                 \
    X(T_S_MAP_WAIT, "Pool.map wait", "espera Pool.map")                                         \
    /* asyncio */                                                                               \
    X(T_LOOP, "loop %s", "laço %s")                                                              \
    X(T_L_IDLE, "not running", "parado")                                                        \
    X(T_L_SELECT, "select()", "select()")                                                       \
    X(T_L_TASK, "runs %s", "roda %s")                                                           \
    X(T_L_CALLBACK, "callback %s", "callback %s")                                               \
    X(T_L_EVENTS, "queues ready callbacks", "enfileira callbacks")                              \
    X(T_L_READY, " · %d ready", " · %d prontos")                                               \
    X(T_L_TIMER, " · max %s", " · máx %s")                                           \
    X(T_K_NEW, "not created", "não criada")                                                     \
    X(T_K_SCHEDULED, "scheduled", "agendada")                                                   \
    X(T_K_RUNNING, "running", "rodando")                                                        \
    X(T_K_DONE, "done", "terminou")                                                             \
    X(T_K_CANCELLED, "cancelled", "cancelada")                                                  \
    X(T_K_AWAIT_IO, "awaits I/O", "aguarda E/S")                                                \
    X(T_K_AWAITS, "awaits", "aguarda")                                                          \
    X(T_K_AWAIT_SLEEP, "awaits sleep", "aguarda sleep")                                         \
    X(T_K_AWAIT_FUTURE, "awaits future", "aguarda future")                                      \
    X(T_K_AWAIT_GATHER, "awaits gather", "aguarda gather")                                      \
    X(T_K_AWAIT_EXECUTOR, "awaits executor", "aguarda executor")                                \
    /* marks */                                                                                 \
    X(T_M_DROP, "drop_request", "drop_request")                                                 \
    X(T_M_SWITCH, "switch", "troca")                                                            \
    X(T_M_FORCED, "forced switch", "troca forçada")                                             \
    X(T_M_FAIL, "failed wake-up", "despertar frustrado")                                        \
    X(T_M_CHECK, "check: drop and re-take", "checagem: solta e retoma")                         \
    /* why the selected thread is (not) running: name, details, since, so far */               \
    X(T_W_PYTHON, "%s runs Python on core %d, holding the GIL, for %s",                         \
      "%s executa Python no núcleo %d, com a GIL, há %s")                                       \
    X(T_W_PYTHON_FT, "%s runs Python on core %d (no GIL to hold), for %s",                      \
      "%s executa Python no núcleo %d (não há GIL), há %s")                                     \
    X(T_W_CCALL, "%s runs C code that keeps the GIL on core %d, for %s",                        \
      "%s executa código C que mantém a GIL no núcleo %d, há %s")                               \
    X(T_W_NOGIL, "%s runs C code with the GIL released on core %d, for %s",                     \
      "%s executa código C com a GIL liberada no núcleo %d, há %s")                             \
    X(T_W_GIL_WAIT, "%s is waiting for the GIL held by %s since %s (%s so far)",                \
      "%s espera a GIL, que está com %s, desde %s (%s até agora)")                              \
    X(T_W_GIL_FREE, "%s waits for the free GIL: a wake-up is on its way, since %s (%s so far)", \
      "%s espera a GIL livre: um despertar está a caminho, desde %s (%s até agora)")           \
    X(T_W_GIL_WAIT_S, "%s is waiting for the GIL held by %s (%s so far)",                      \
      "%s espera a GIL, que está com %s (%s até agora)")                                        \
    X(T_W_GIL_FREE_S, "%s waits for the free GIL: a wake-up is on its way (%s so far)",         \
      "%s espera a GIL livre: um despertar está a caminho (%s até agora)")                      \
    X(T_W_LOCK_S, "%s is waiting for lock %s held by %s (%s so far)",                           \
      "%s espera a trava %s, que está com %s (%s até agora)")                                   \
    X(T_W_READY_S, "%s is ready: waiting for a core (%s so far)",                               \
      "%s está pronta: espera um núcleo (%s até agora)")                                        \
    X(T_W_READY_GIL_S, "%s is ready: waiting for a core to try for the GIL (%s so far)",        \
      "%s está pronta: espera um núcleo para tentar a GIL (%s até agora)")                      \
    X(T_W_SWITCH_WAIT, "%s dropped the GIL on request and waits for %s to take it (%s so far)", \
      "%s largou a GIL a pedido e espera %s pegá-la (%s até agora)")                            \
    X(T_W_SWITCH_WAIT_ANY, "%s dropped the GIL on request and waits until another thread takes it (%s so far)", \
      "%s largou a GIL a pedido e espera outra thread pegá-la (%s até agora)")                  \
    X(T_W_IO, "%s is blocked in I/O \"%s\" for %s (GIL released)",                               \
      "%s está bloqueada em E/S \"%s\" há %s (GIL liberada)")                                  \
    X(T_W_SLEEP, "%s sleeps (GIL released), for %s", "%s dorme (GIL liberada), há %s")          \
    X(T_W_LOCK, "%s is waiting for lock %s held by %s since %s (%s so far)",                    \
      "%s espera a trava %s, que está com %s, desde %s (%s até agora)")                         \
    X(T_W_JOIN, "%s is waiting in join() for %s since %s",                                      \
      "%s espera em join() por %s desde %s")                                                    \
    X(T_W_READY, "%s is ready: waiting for a core since %s (%s so far)",                        \
      "%s está pronta: espera um núcleo desde %s (%s até agora)")                               \
    X(T_W_READY_GIL, "%s is ready: waiting for a core to try for the GIL since %s (%s so far)", \
      "%s está pronta: espera um núcleo para tentar a GIL desde %s (%s até agora)")             \
    X(T_W_OS, "%s is in the kernel on core %d (context switch or wake-up), for %s",             \
      "%s está no kernel no núcleo %d (troca de contexto ou despertar), há %s")                 \
    X(T_W_DONE, "%s has finished, at %s", "%s terminou, em %s")                                 \
    X(T_W_SELECT, "%s waits in select() for its event loop %s (GIL released), for %s",          \
      "%s espera no select() do seu laço de eventos %s (GIL liberada), há %s")                  \
    X(T_W_QUEUE, "%s is blocked on queue %s (GIL released), for %s",                            \
      "%s está bloqueada na fila %s (GIL liberada), há %s")                                     \
    X(T_W_IDLE, "%s is an idle worker, waiting for work, for %s",                               \
      "%s é um worker ocioso, à espera de trabalho, há %s")                                     \
    X(T_W_MAP, "%s waits in Pool.map for the workers of %s, for %s",                            \
      "%s espera em Pool.map pelos workers de %s, há %s")                                       \
    X(T_W_NEW, "%s has not started yet", "%s ainda não começou")                                \
    /* stats */                                                                                 \
    X(T_BUSY, "busy", "ocupação")                                                               \
    X(T_SWITCHES, "GIL switches %llu (%llu forced)", "trocas de GIL %llu (%llu forçadas)")      \
    X(T_DROPS, "drop requests %llu", "pedidos de troca %llu")                                   \
    X(T_FAILS, "failed wake-ups %llu", "despertares frustrados %llu")                           \
    X(T_SHARED, "%s = %lld after %lld increments", "%s = %lld após %lld incrementos")          \
    X(T_LOST, "%lld lost", "%lld perdidos")                                                     \
    X(T_COUNTING, "counting...", "contando...")                                                 \
    /* the key line and the prompts */                                                          \
    X(T_KEYS, "space play/pause  ←→ step  n N switch/note  [ ] speed  +- zoom  Tab panel  ? help  q quit", \
      "espaço tocar/pausar  ←→ passo  n N troca/nota  [ ] velocidade  +- zoom  Tab painel  ? ajuda  q sair") \
    X(T_KEYS_SHORT, "space play  ←→ step  [ ] speed  +- zoom  ? help  q quit",                  \
      "espaço tocar  ←→ passo  [ ] veloc.  +- zoom  ? ajuda  q sair")                           \
    X(T_PROMPT_SPEED, "speed, simulated time per second (e.g. 1ms, 50us): ",                    \
      "velocidade, tempo simulado por segundo (ex. 1ms, 50us): ")                               \
    X(T_PROMPT_TIME, "go to time (e.g. 12ms, 1.5s): ", "ir para o instante (ex. 12ms, 1.5s): ") \
    X(T_PROMPT_HINT, "Enter: ok  Esc: cancel", "Enter: ok  Esc: cancela")                       \
    X(T_BAD_TIME, "not a time: %s (%s)", "não é um tempo: %s (%s)")                             \
    X(T_SMALL, "enlarge the terminal (need %dx%d, have %dx%d)",                                  \
      "aumente o terminal (precisa de %dx%d, tem %dx%d)")                                       \
    X(T_SMALL_KEYS, "q quits", "q sai")                                                         \
    X(T_SIM_ERROR, "simulation stopped: %s", "simulação interrompida: %s")                      \
    X(T_STOP_HORIZON, "horizon reached", "horizonte atingido")                                  \
    X(T_STOP_EVENTS, "event cap", "limite de eventos")                                          \
    X(T_STOP_MEMORY, "memory cap", "limite de memória")                                         \
    /* help overlay */                                                                          \
    X(T_HELP_TITLE, "gilviz keys", "teclas do gilviz")                                          \
    X(T_H_PLAY, "play / pause", "tocar / pausar")                                               \
    X(T_H_STEP, "next / previous event (exact)", "próximo / anterior evento (exato)")           \
    X(T_H_BIGSTEP, "a bigger step: a tenth of the view", "passo maior: um décimo da janela")     \
    X(T_H_SWITCH, "next / previous GIL switch or note", "próxima / anterior troca de GIL ou nota") \
    X(T_H_SPEED, "slower / faster", "mais devagar / mais rápido")                               \
    X(T_H_TYPE_SPEED, "type a speed (1ms: 1 ms simulated per second)",                          \
      "digitar a velocidade (1ms: 1 ms por segundo)")                                           \
    X(T_H_ENDS, "go to the start / the end", "ir ao início / ao fim")                           \
    X(T_H_GOTO, "type a time and go there", "digitar um instante e ir até ele")                 \
    X(T_H_ZOOM, "zoom in / out (time span shown)", "zoom: aproximar / afastar")                 \
    X(T_H_TAB, "next panel: threads, tasks, cores, GIL, events",                                \
      "próximo painel: threads, tarefas, núcleos, GIL, log")                                    \
    X(T_H_SELECT, "select a thread (or scroll the panel)", "escolher uma thread (ou rolar o painel)") \
    X(T_H_MOUSE, "click a lane: go to that time; wheel: zoom", "clique numa faixa: ir àquele instante; roda: zoom") \
    X(T_H_HELP, "this help (any key closes it) / quit", "esta ajuda (qualquer tecla fecha) / sair") \
    X(T_H_LEGEND, "lanes", "faixas")                                                            \
    X(T_H_MARKS, "GIL marks", "marcas da GIL")

enum text_id {
#define TEXT_ENUM(id, en, pt) id,
    TEXT_LIST(TEXT_ENUM)
#undef TEXT_ENUM
    T_COUNT_
};

/* Message `id` in language `lang` (SCENE_LANG_EN / SCENE_LANG_PT). */
const char *text_get(int lang, enum text_id id);
/* Short name of a thread state, "GIL wait"... */
const char *text_state(int lang, int code);
/* Short name of a task state (and what a pending task awaits). */
const char *text_task(int lang, int code, int wait);
/* Language from the environment: LC_ALL, LC_MESSAGES, LANG (first set);
 * "pt..." -> SCENE_LANG_PT, anything else English. */
int text_lang_from_env(void);

#endif
