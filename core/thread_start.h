/* core/thread_start.h — starting the core's helper threads. */
#ifndef SLUICE_THREAD_START_H
#define SLUICE_THREAD_START_H

#include <pthread.h>

/* pthread_create with every signal blocked in the new thread (it inherits
 * the mask in force when it is created): signals are handled by the main
 * thread (DESIGN §5), and one landing in a helper would interrupt its
 * writes with EINTR.  Returns pthread_create's result. */
int thread_start_without_signals(pthread_t *thread, void *(*main)(void *), void *arg);

#endif
