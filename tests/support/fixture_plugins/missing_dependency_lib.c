/* The dependency of the missing_dependency fixture: present at link time, absent at load time. */
#include "missing_dependency_lib.h"

int fixture_missing_dependency_answer(void) { return 42; }
