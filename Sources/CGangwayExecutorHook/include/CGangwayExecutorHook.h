#ifndef C_GANGWAY_EXECUTOR_HOOK_H
#define C_GANGWAY_EXECUTOR_HOOK_H

/// Installs `hook` as Swift concurrency's global-enqueue hook (the runtime's
/// `swift_task_enqueueGlobal_hook`), if no hook is installed yet. Returns 1 when installed, 0
/// when another hook was there first or the runtime has none.
///
/// The hook is found by the linker, not by `dlsym`: a binary with the Swift runtime linked in
/// statically keeps the symbol but does not export it, so `dlsym` cannot see it there.
int gangway_install_enqueue_global_hook(void *_Nonnull hook);

#endif
