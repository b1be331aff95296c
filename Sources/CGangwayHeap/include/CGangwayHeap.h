#ifndef C_GANGWAY_HEAP_H
#define C_GANGWAY_HEAP_H

#include <stddef.h>

/// Bytes the C allocator holds free: freed by the program and kept in its arenas (glibc's
/// `mallinfo2().fordblks`; it counts them whether or not their pages are still resident).
/// 0 where the allocator does not say.
size_t gangway_heap_free_bytes(void);

/// Hands the free memory the C allocator holds back to the system (glibc's `malloc_trim(0)`:
/// the free pages of every arena, not only the top of the main one). Returns 1 if any memory
/// was given back, 0 if none was or the allocator cannot.
int gangway_heap_trim(void);

/// This process's resident memory in bytes (`/proc/self/statm`); 0 where it cannot be read.
size_t gangway_resident_bytes(void);

#endif
