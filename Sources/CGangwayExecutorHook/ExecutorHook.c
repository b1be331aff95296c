#include "CGangwayExecutorHook.h"
#include <stddef.h>

// Declared by the Swift runtime (libswift_Concurrency). Weak, so that a runtime without it leaves
// the address NULL rather than failing the link.
extern void *swift_task_enqueueGlobal_hook __attribute__((weak));

int gangway_install_enqueue_global_hook(void *hook) {
    if (&swift_task_enqueueGlobal_hook == NULL) return 0;
    void *expected = NULL;
    return __atomic_compare_exchange_n(&swift_task_enqueueGlobal_hook, &expected, hook, 0,
                                       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}
