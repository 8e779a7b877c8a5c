/* test_tsp_text.c: text a TSA controls (PKIFreeText statusString) reaches terminals through
 * `cctsa verify`, `cctsa stamp` and `cctsa inspect`: the parser must hand it over without control
 * characters (a newline forges output lines, ESC drives the terminal), as tsp_subject_cn already
 * does for certificate names, while printable text, including non-ASCII UTF-8, is kept. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tsp/tsp_parse.h"
#include "tsp/tsp_status.h"
#include "tsp/tsp_verify.h"

static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7F) return 1;
    return 0;
}

int main(void)
{
    static const char evil[] = "no\x1b[2J\r\nverification OK\x7f \xc3\xa9t\xc3\xa9";
    uint8_t *rej = NULL;
    size_t len = 0;
    tsp_parsed t;
    char err[200];
    CHECK(tsp_resp_reject(TSP_FAIL_BAD_ALG, evil, &rej, &len) == 0);
    CHECK(rej && tsp_parse(rej, len, &t, err, sizeof err) == 0);
    CHECK_MSG(!has_control(t.status_text), "statusString keeps control characters: %s", t.status_text);
    CHECK_MSG(strstr(t.status_text, "verification OK") && strstr(t.status_text, "\xc3\xa9t\xc3\xa9"),
              "printable text lost: %s", t.status_text);

    /* The verifier's refusal message quotes it. */
    tsp_verify_opts o = {0};
    tsp_verify_report rep;
    o.nroots = 1;
    o.roots[0] = rej;
    o.root_lens[0] = len;
    CHECK(rej && tsp_verify(rej, len, &o, &rep) != 0);
    CHECK_MSG(strstr(rep.error, "badAlg") && !has_control(rep.error), "verifier error: %s", rep.error);
    free(rej);
    return check_summary("test_tsp_text");
}
