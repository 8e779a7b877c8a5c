/* check.c: counters and summary line for check.h. */
#include "check.h"

unsigned long check_passed, check_failed;

int check_summary(const char *test_name)
{
    if (check_passed + check_failed == 0) {
        fprintf(stderr, "%s: no checks ran\n", test_name);
        check_failed = 1;
    }
    printf("%s: %lu passed, %lu failed\n", test_name, check_passed, check_failed);
    return check_failed ? 1 : 0;
}
