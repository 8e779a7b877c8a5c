/* tsp_client.c: libcurl POST of a time-stamp query. */
#include "tsp/tsp_client.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint8_t *p;
    size_t len;
    int too_big;
} body;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    body *b = userdata;
    size_t n = size * nmemb;
    if (b->len + n > TSP_CLIENT_MAX_RESPONSE) {
        b->too_big = 1;
        return 0;
    }
    uint8_t *grown = realloc(b->p, b->len + n + 1);
    if (!grown) return 0;
    memcpy(grown + b->len, ptr, n);
    b->p = grown;
    b->len += n;
    return n;
}

int tsp_http_post(const char *url, const uint8_t *req, size_t len, uint8_t **resp, size_t *resp_len, char *err,
                  size_t errlen)
{
    body b = {0};
    long code = 0;
    char *ctype = NULL;
    int rc = -1;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(err, errlen, "cannot initialise libcurl");
        return -1;
    }
    CURL *c = curl_easy_init();
    struct curl_slist *hdrs = curl_slist_append(NULL, "Content-Type: application/timestamp-query");
    hdrs = curl_slist_append(hdrs, "Accept: application/timestamp-reply");
    if (!c || !hdrs) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)req);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)TSP_CLIENT_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    CURLcode cc = curl_easy_perform(c);
    if (cc != CURLE_OK) {
        snprintf(err, errlen, "%s: %s", url, b.too_big ? "response larger than 1 MiB" : curl_easy_strerror(cc));
        goto out;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ctype);
    /* 503 with a timestamp-reply carries the TSA's rejection (e.g. its certificate expired):
     * hand it on so that the caller reports the status and text. */
    int reply = ctype && strncmp(ctype, "application/timestamp-reply", 27) == 0;
    if (code != 200 && !(code == 503 && reply)) {
        snprintf(err, errlen, "%s: HTTP status %ld", url, code);
        goto out;
    }
    if (!ctype || strncmp(ctype, "application/timestamp-reply", 27) != 0) {
        snprintf(err, errlen, "%s: unexpected content type '%s'", url, ctype ? ctype : "(none)");
        goto out;
    }
    if (b.len == 0) {
        snprintf(err, errlen, "%s: empty response", url);
        goto out;
    }
    *resp = b.p;
    *resp_len = b.len;
    b.p = NULL;
    rc = 0;
out:
    free(b.p);
    curl_slist_free_all(hdrs);
    if (c) curl_easy_cleanup(c);
    curl_global_cleanup();
    return rc;
}
