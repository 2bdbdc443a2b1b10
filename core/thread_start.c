/* core/thread_start.c — see thread_start.h. */
#include "config.h"

#include <signal.h>

#include "thread_start.h"

int thread_start_without_signals(pthread_t *thread, void *(*main)(void *), void *arg)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(thread, NULL, main, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}
