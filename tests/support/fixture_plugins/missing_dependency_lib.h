/* The shared library missing_dependency.c links against, built where the loader never looks. */
#ifndef LOGAGENT_FIXTURE_MISSING_DEPENDENCY_LIB_H
#define LOGAGENT_FIXTURE_MISSING_DEPENDENCY_LIB_H

#ifdef __cplusplus
extern "C" {
#endif
__attribute__((visibility("default"))) int fixture_missing_dependency_answer(void);
#ifdef __cplusplus
}
#endif

#endif /* LOGAGENT_FIXTURE_MISSING_DEPENDENCY_LIB_H */
