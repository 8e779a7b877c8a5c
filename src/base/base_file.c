/* base_file.c: bounded whole-file reads and writes (see base.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"

/* a wipe the compiler cannot drop (the buffer may hold a secret key) */
static void wipe(void *p, size_t n)
{
    volatile uint8_t *v = p;
    while (n--) *v++ = 0;
}

int cc_file_read(const char *path, size_t max, uint8_t **buf, size_t *len)
{
    if (!path || !buf || !len) {
        errno = EINVAL;
        return -1;
    }
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    setvbuf(f, NULL, _IONBF, 0); /* no stdio copy of the bytes left behind */
    size_t cap = 4096, n = 0;
    uint8_t *p = malloc(cap + 1);
    int rc = -1, err = ENOMEM;
    while (p) {
        size_t got = fread(p + n, 1, cap - n, f);
        n += got;
        if (n > max) {
            err = EFBIG;
            break;
        }
        if (n < cap) {
            if (ferror(f))
                err = EIO;
            else
                rc = 0;
            break;
        }
        uint8_t *bigger = malloc(cap * 2 + 1); /* grow by copy and wipe, not realloc */
        if (!bigger) break;
        memcpy(bigger, p, n);
        wipe(p, n);
        free(p);
        p = bigger;
        cap *= 2;
    }
    fclose(f);
    if (rc != 0) {
        if (p) wipe(p, n);
        free(p);
        errno = err;
        return -1;
    }
    p[n] = 0;
    *buf = p;
    *len = n;
    return 0;
}

int cc_file_write(const char *path, const uint8_t *buf, size_t len, int secret)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, secret ? 0600 : 0644);
    if (fd < 0) return -1;
    if (secret && fchmod(fd, 0600) != 0) { /* an existing file keeps its mode otherwise */
        close(fd);
        return -1;
    }
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        return -1;
    }
    int ok = fwrite(buf, 1, len, f) == len;
    return fclose(f) == 0 && ok ? 0 : -1;
}
