/* node_addr.c: endpoint parsing, listen and connect for unix, vsock and tcp (see node_addr.h). */
#include "proto/node_addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int parse_u32(const char *s, unsigned long max, unsigned long *v)
{
    char *end;
    if (!*s || *s == '-' || *s == '+') return -1;
    errno = 0;
    *v = strtoul(s, &end, 10);
    return *end || errno || *v > max ? -1 : 0;
}

int node_addr_parse(const char *s, node_addr *a)
{
    memset(a, 0, sizeof *a);
    if (strlen(s) >= sizeof a->text) return -1;
    strcpy(a->text, s);
    if (!strncmp(s, "unix:", 5)) {
        struct sockaddr_un *u = (struct sockaddr_un *)&a->sa;
        size_t n = strlen(s + 5);
        if (!n || n >= sizeof u->sun_path) return -1;
        u->sun_family = AF_UNIX;
        memcpy(u->sun_path, s + 5, n);
        a->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
    } else if (!strncmp(s, "vsock:", 6) || !strncmp(s, "tcp:", 4)) {
        int vsock = s[0] == 'v';
        const char *rest = s + (vsock ? 6 : 4), *colon = strrchr(rest, ':');
        char host[64];
        unsigned long port, cid;
        if (!colon || (size_t)(colon - rest) >= sizeof host) return -1;
        memcpy(host, rest, (size_t)(colon - rest));
        host[colon - rest] = 0;
        if (parse_u32(colon + 1, vsock ? 0xFFFFFFFFul : 65535, &port) != 0) return -1;
        if (vsock) {
            struct sockaddr_vm *v = (struct sockaddr_vm *)&a->sa;
            if (parse_u32(host, 0xFFFFFFFFul, &cid) != 0) return -1;
            v->svm_family = AF_VSOCK;
            v->svm_cid = (unsigned)cid;
            v->svm_port = (unsigned)port;
            a->len = sizeof *v;
        } else {
            struct sockaddr_in *in = (struct sockaddr_in *)&a->sa;
            in->sin_family = AF_INET;
            in->sin_port = htons((uint16_t)port);
            if (inet_pton(AF_INET, host, &in->sin_addr) != 1) return -1;
            a->len = sizeof *in;
        }
    } else {
        return -1;
    }
    a->family = a->sa.ss_family;
    return 0;
}

int node_addr_socket(const node_addr *a) { return socket(a->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0); }

int node_addr_listen(const node_addr *a)
{
    int fd = node_addr_socket(a), one = 1;
    if (fd < 0) return -1;
    if (a->family == AF_UNIX) {
        const char *path = ((const struct sockaddr_un *)&a->sa)->sun_path;
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) unlink(path);
    } else if (a->family == AF_INET) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    }
    if (bind(fd, (const struct sockaddr *)&a->sa, a->len) != 0 || listen(fd, 128) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int node_addr_connect(const node_addr *a)
{
    int fd = node_addr_socket(a);
    if (fd < 0) return -1;
    if (connect(fd, (const struct sockaddr *)&a->sa, a->len) != 0 && errno != EINPROGRESS) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}
