/* snp_device.c: getting a SEV-SNP report inside the guest, probed at run time: configfs-tsm
 * (/sys/kernel/config/tsm/report, Linux 6.7+, raw report in outblob and a GHCB certificate table in
 * auxblob) first, else /dev/sev-guest (SNP_GET_REPORT; the report follows a 32-byte MSG_REPORT_RSP
 * header). Neither present: ATTEST_ERR_UNAVAILABLE, "sev-snp: not available on this machine". */
#include <errno.h>
#include <fcntl.h>
#include <linux/sev-guest.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attest/attest.h"

#define TSM_DIR "/sys/kernel/config/tsm/report"
#define SEV_GUEST_DEV "/dev/sev-guest"

static attest_err dev_fail(attest_err e, char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static attest_err dev_fail(attest_err e, char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (why && whylen) vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return e;
}

/* Read a whole configfs attribute (at most cap bytes); length or -1. */
static long read_attr(const char *dir, const char *attr, uint8_t *buf, size_t cap)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, attr);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        n += (size_t)r;
        if (n == cap) break;
    }
    close(fd);
    return (long)n;
}

static int write_attr(const char *dir, const char *attr, const uint8_t *buf, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, attr);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t w = write(fd, buf, n);
    close(fd);
    return w == (ssize_t)n ? 0 : -1;
}

static attest_err via_configfs(const uint8_t *binding, attest_evidence *ev, char *why, size_t whylen)
{
    char dir[128], gen1[32] = "", gen2[32] = "";
    uint8_t provider[32] = {0};
    snprintf(dir, sizeof dir, TSM_DIR "/cctsa-%ld", (long)getpid());
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return dev_fail(ATTEST_ERR_DEVICE, why, whylen, "sev-snp: cannot create %s: %s", dir, strerror(errno));
    attest_err rc = ATTEST_ERR_DEVICE;
    uint8_t *aux = malloc(ATTEST_MAX_ENDORSEMENT_BYTES), out[ATTEST_REPORT_BYTES + 1];
    long n;
    if (read_attr(dir, "provider", provider, sizeof provider - 1) < 0 || strncmp((char *)provider, "sev_guest", 9)) {
        rc = dev_fail(ATTEST_ERR_UNAVAILABLE, why, whylen, "sev-snp: not available on this machine");
        goto out;
    }
    if (!aux || write_attr(dir, "inblob", binding, ATTEST_BINDING_BYTES) != 0 ||
        read_attr(dir, "generation", (uint8_t *)gen1, sizeof gen1 - 1) < 0) {
        dev_fail(rc, why, whylen, "sev-snp: configfs-tsm request failed");
        goto out;
    }
    if ((n = read_attr(dir, "outblob", out, sizeof out)) != ATTEST_REPORT_BYTES) {
        dev_fail(rc, why, whylen, "sev-snp: configfs-tsm outblob is %ld bytes, expected %d", n, ATTEST_REPORT_BYTES);
        goto out;
    }
    long an = read_attr(dir, "auxblob", aux, ATTEST_MAX_ENDORSEMENT_BYTES);
    if (read_attr(dir, "generation", (uint8_t *)gen2, sizeof gen2 - 1) < 0 || strcmp(gen1, gen2) != 0) {
        dev_fail(rc, why, whylen, "sev-snp: concurrent configfs-tsm writer; retry");
        goto out;
    }
    memcpy(ev->report, out, ATTEST_REPORT_BYTES);
    if (an > 0) ev->endorsements = aux, ev->endorsements_len = (size_t)an, aux = NULL;
    rc = ATTEST_OK;
out:
    free(aux);
    rmdir(dir);
    return rc;
}

static attest_err via_ioctl(const uint8_t *binding, attest_evidence *ev, char *why, size_t whylen)
{
    int fd = open(SEV_GUEST_DEV, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return dev_fail(ATTEST_ERR_DEVICE, why, whylen, "sev-snp: cannot open %s: %s", SEV_GUEST_DEV, strerror(errno));
    struct snp_report_req req;
    struct snp_report_resp resp;
    struct snp_guest_request_ioctl io;
    memset(&req, 0, sizeof req), memset(&resp, 0, sizeof resp), memset(&io, 0, sizeof io);
    memcpy(req.user_data, binding, ATTEST_BINDING_BYTES);
    io.msg_version = 1;
    io.req_data = (uint64_t)(uintptr_t)&req;
    io.resp_data = (uint64_t)(uintptr_t)&resp;
    int r = ioctl(fd, SNP_GET_REPORT, &io);
    close(fd);
    if (r != 0)
        return dev_fail(ATTEST_ERR_DEVICE, why, whylen, "sev-snp: SNP_GET_REPORT failed: %s (exitinfo2 0x%llx)",
                        strerror(errno), (unsigned long long)io.exitinfo2);
    /* MSG_REPORT_RSP: status u32, report_size u32, 24 reserved bytes, then the report. */
    uint32_t status = (uint32_t)resp.data[0] | (uint32_t)resp.data[1] << 8 | (uint32_t)resp.data[2] << 16 |
                      (uint32_t)resp.data[3] << 24;
    uint32_t size = (uint32_t)resp.data[4] | (uint32_t)resp.data[5] << 8 | (uint32_t)resp.data[6] << 16 |
                    (uint32_t)resp.data[7] << 24;
    if (status != 0 || size != ATTEST_REPORT_BYTES)
        return dev_fail(ATTEST_ERR_DEVICE, why, whylen, "sev-snp: firmware status 0x%x, report size %u", status, size);
    memcpy(ev->report, resp.data + 0x20, ATTEST_REPORT_BYTES);
    return ATTEST_OK;
}

attest_err attest_snp_evidence(const uint8_t binding[ATTEST_BINDING_BYTES], attest_evidence *ev, char *why,
                               size_t whylen)
{
    struct stat st;
    memset(ev, 0, sizeof *ev);
    if (stat(TSM_DIR, &st) == 0 && S_ISDIR(st.st_mode)) {
        attest_err rc = via_configfs(binding, ev, why, whylen);
        if (rc != ATTEST_ERR_UNAVAILABLE) return rc;
    }
    if (stat(SEV_GUEST_DEV, &st) == 0) return via_ioctl(binding, ev, why, whylen);
    return dev_fail(ATTEST_ERR_UNAVAILABLE, why, whylen, "sev-snp: not available on this machine");
}
