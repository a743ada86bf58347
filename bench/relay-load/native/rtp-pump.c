/*
 * rtp-pump: the relay bench's packet sender and receiver in C, so that at high packet rates the load
 * generator costs the machine only its system calls and leaves the rest of the cores to the relay.
 *
 * The Java generator (relay-load --pump) keeps everything that needs thought: it sets the calls up
 * through ng, encrypts every packet in advance with the phone emulator's SRTP, and prepares for each
 * phone the exact bytes it must receive (the other phone's packet, as the relay must forward it under
 * the key the phone was given). This program only moves bytes on the schedule and compares them:
 *
 *   rtp-pump PHONES BIND_ADDRESS
 *     opens PHONES UDP sockets on BIND_ADDRESS and prints "ports P1 P2 ...";
 *     then reads "go PLAN_FILE" on stdin, runs the plan and prints one "result ..." line.
 *
 * Plan file, little-endian:
 *   u32 magic "RPMP", u32 phones, u32 ticks, u32 warmup ticks, i64 start (CLOCK_MONOTONIC ns), i64 period ns
 *   per phone, 16 bytes: u8[4] relay IPv4 address, u16 relay port, u16 send length, u16 expected length,
 *                        u16 zero, u32 index of the phone whose packets arrive here
 *   per phone: ticks packets to send (send length each), then ticks packets expected (expected length)
 *
 * Phone i sends its packet of tick t at start + t * period + i * period / phones (spread over the
 * period as independent phones would be). A packet counts as received when its length and bytes are
 * exactly the expected packet of its sequence number and it was not seen before; one sent before the
 * warm-up's end is not measured. One-way time: from just before the sender's send to just after the
 * receiver's read, on the same clock. The receiver stops one second after the last send.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAGIC 0x504d5052u            /* "RPMP" read little-endian */
#define HEADER 32
#define PHONE_ENTRY 16
#define PARK_THRESHOLD_NS 80000      /* below this, send at once: a sleep wakes about this late anyway */
#define DRAIN_NS 1000000000LL
#define LATENCY_BUCKETS 1000001      /* one per microsecond up to a second, the last for anything later */
#define MAX_PHONES 200000
#define MAX_TICKS 60000

struct phone {
    int fd;
    struct sockaddr_in relay;
    uint16_t send_length;
    uint16_t expected_length;
    uint32_t peer;
    const uint8_t *sending;          /* ticks packets of send_length */
    const uint8_t *expected;         /* ticks packets of expected_length */
};

static struct phone *phones;
static uint32_t phone_count;
static uint32_t ticks;
static uint32_t warmup_ticks;
static int64_t start_ns;
static int64_t period_ns;
static int64_t *sent_ns;             /* [phone * ticks + tick], written by the sender, read by the receiver */
static uint8_t *seen;                /* [phone * ticks + tick], receiver only */
static uint32_t *latency_micros;     /* histogram, receiver only */
static int receiving = 1;

static long sent_in_window, send_failures, late, packets_in_window;
static long received_in_window, rejected, duplicates;

static void fail(const char *what) {
    fprintf(stderr, "rtp-pump: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void refuse(const char *what) {
    fprintf(stderr, "rtp-pump: %s\n", what);
    exit(2);
}

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t) t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void sleep_until(int64_t when) {
    struct timespec t = { .tv_sec = when / 1000000000LL, .tv_nsec = when % 1000000000LL };
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR) {
    }
}

static uint16_t u16(const uint8_t *p) { return (uint16_t) (p[0] | p[1] << 8); }
static uint32_t u32(const uint8_t *p) { return (uint32_t) u16(p) | (uint32_t) u16(p + 2) << 16; }
static int64_t i64(const uint8_t *p) { return (int64_t) ((uint64_t) u32(p) | (uint64_t) u32(p + 4) << 32); }

/* Raises the open-file limit to its hard limit: every phone is a socket. */
static void allow_sockets(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

static void open_sockets(const char *bind_address) {
    struct sockaddr_in local = { .sin_family = AF_INET };
    if (inet_pton(AF_INET, bind_address, &local.sin_addr) != 1) {
        refuse("BIND_ADDRESS must be an IPv4 address");
    }
    printf("ports");
    for (uint32_t i = 0; i < phone_count; i++) {
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            fail("socket");
        }
        if (bind(fd, (struct sockaddr *) &local, sizeof local) != 0) {
            fail("bind");
        }
        struct sockaddr_in bound;
        socklen_t length = sizeof bound;
        if (getsockname(fd, (struct sockaddr *) &bound, &length) != 0) {
            fail("getsockname");
        }
        phones[i].fd = fd;
        printf(" %u", ntohs(bound.sin_port));
    }
    printf("\n");
    fflush(stdout);
}

/* Maps the plan and checks that it is whole: every length it gives must fit in the file. */
static void read_plan(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fail(path);
    }
    struct stat info;
    if (fstat(fd, &info) != 0) {
        fail("fstat");
    }
    size_t size = (size_t) info.st_size;
    if (size < HEADER) {
        refuse("the plan is shorter than its header");
    }
    const uint8_t *plan = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (plan == MAP_FAILED) {
        fail("mmap");
    }
    close(fd);
    if (u32(plan) != MAGIC || u32(plan + 4) != phone_count) {
        refuse("the plan is not one for this many phones");
    }
    ticks = u32(plan + 8);
    warmup_ticks = u32(plan + 12);
    start_ns = i64(plan + 16);
    period_ns = i64(plan + 24);
    if (ticks == 0 || ticks > MAX_TICKS || warmup_ticks >= ticks || period_ns <= 0) {
        refuse("the plan's ticks, warm-up or period are out of range");
    }
    uint64_t offset = HEADER + (uint64_t) PHONE_ENTRY * phone_count;
    if (offset > size) {
        refuse("the plan is shorter than its phone table");
    }
    for (uint32_t i = 0; i < phone_count; i++) {
        const uint8_t *entry = plan + HEADER + (size_t) PHONE_ENTRY * i;
        struct phone *phone = &phones[i];
        phone->relay.sin_family = AF_INET;
        memcpy(&phone->relay.sin_addr, entry, 4);
        phone->relay.sin_port = htons(u16(entry + 4));
        phone->send_length = u16(entry + 6);
        phone->expected_length = u16(entry + 8);
        phone->peer = u32(entry + 12);
        if (phone->peer >= phone_count || phone->send_length < 12 || phone->expected_length < 12) {
            refuse("a phone of the plan has no valid peer or packet length");
        }
        uint64_t need = (uint64_t) ticks * (phone->send_length + phone->expected_length);
        if (need > size - offset) {
            refuse("the plan is shorter than its packets");
        }
        phone->sending = plan + offset;
        phone->expected = plan + offset + (uint64_t) ticks * phone->send_length;
        offset += need;
        if (connect(phone->fd, (struct sockaddr *) &phone->relay, sizeof phone->relay) != 0) {
            fail("connect");
        }
    }
    if (offset != size) {
        refuse("the plan is longer than its phones and packets");
    }
}

static void *send_all(void *unused) {
    (void) unused;
    for (uint32_t tick = 0; tick < ticks; tick++) {
        int in_window = tick >= warmup_ticks;
        for (uint32_t i = 0; i < phone_count; i++) {
            int64_t due = start_ns + tick * period_ns + (int64_t) i * period_ns / phone_count;
            int64_t now = now_ns();
            if (due - now > PARK_THRESHOLD_NS) {
                sleep_until(due);
                now = now_ns();
            } else if (in_window && now - due > period_ns) {
                late++;
            }
            packets_in_window += in_window;
            struct phone *phone = &phones[i];
            __atomic_store_n(&sent_ns[(size_t) i * ticks + tick], now, __ATOMIC_RELEASE);
            ssize_t written = send(phone->fd, phone->sending + (size_t) tick * phone->send_length,
                                   phone->send_length, MSG_DONTWAIT);
            if (written == phone->send_length) {
                sent_in_window += in_window;
            } else {
                send_failures++; /* a full socket buffer or an ICMP error from a port that is gone */
            }
        }
    }
    return NULL;
}

static void take(uint32_t i, const uint8_t *packet, ssize_t length, int64_t now) {
    struct phone *phone = &phones[i];
    if (length != phone->expected_length) {
        rejected++;
        return;
    }
    uint32_t seq = (uint32_t) packet[2] << 8 | packet[3];
    if (seq >= ticks || memcmp(packet, phone->expected + (size_t) seq * length, (size_t) length) != 0) {
        rejected++;
        return;
    }
    size_t slot = (size_t) i * ticks + seq;
    if (seen[slot]) {
        duplicates++;
        return;
    }
    seen[slot] = 1;
    if (seq < warmup_ticks) {
        return;
    }
    received_in_window++;
    int64_t sent = __atomic_load_n(&sent_ns[(size_t) phone->peer * ticks + seq], __ATOMIC_ACQUIRE);
    int64_t micros = sent == 0 ? LATENCY_BUCKETS - 1 : (now - sent) / 1000;
    latency_micros[micros < 0 ? 0 : micros >= LATENCY_BUCKETS ? LATENCY_BUCKETS - 1 : micros]++;
}

static void *receive_all(void *epoll) {
    int epoll_fd = *(int *) epoll;
    struct epoll_event events[1024];
    uint8_t packet[2048];
    while (__atomic_load_n(&receiving, __ATOMIC_ACQUIRE)) {
        int ready = epoll_wait(epoll_fd, events, 1024, 100);
        if (ready < 0 && errno != EINTR) {
            fail("epoll_wait");
        }
        /* One read per ready socket: epoll is level-triggered, so a socket with more queued is ready
         * again at the next wait. Reading until EAGAIN would cost a failed recv for nearly every
         * packet, a phone's socket rarely holding more than one. */
        for (int e = 0; e < ready; e++) {
            uint32_t i = events[e].data.u32;
            ssize_t length = recv(phones[i].fd, packet, sizeof packet, MSG_DONTWAIT);
            if (length >= 0) {
                take(i, packet, length, now_ns());
            }
            /* else EAGAIN, or an ICMP error queued on the socket: the data behind it is read next time */
        }
    }
    return NULL;
}

/* The value below which fraction of the one-way times lie (nearest rank), or -1 without any. */
static long percentile(double fraction) {
    if (received_in_window == 0) {
        return -1;
    }
    long rank = (long) (fraction * received_in_window + 0.999999);
    rank = rank < 1 ? 1 : rank;
    long counted = 0;
    for (long micros = 0; micros < LATENCY_BUCKETS; micros++) {
        counted += latency_micros[micros];
        if (counted >= rank) {
            return micros;
        }
    }
    return LATENCY_BUCKETS - 1;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        refuse("usage: rtp-pump PHONES BIND_ADDRESS");
    }
    char *end;
    long count = strtol(argv[1], &end, 10);
    if (*end != '\0' || count < 2 || count > MAX_PHONES) {
        refuse("PHONES must be a number from 2 to 200000");
    }
    phone_count = (uint32_t) count;
    allow_sockets();
    phones = calloc(phone_count, sizeof *phones);
    if (phones == NULL) {
        fail("calloc");
    }
    open_sockets(argv[2]);

    char line[4096];
    if (fgets(line, sizeof line, stdin) == NULL || strncmp(line, "go ", 3) != 0) {
        refuse("expected \"go PLAN_FILE\" on stdin");
    }
    line[strcspn(line, "\n")] = '\0';
    read_plan(line + 3);

    sent_ns = calloc((size_t) phone_count * ticks, sizeof *sent_ns);
    seen = calloc((size_t) phone_count * ticks, 1);
    latency_micros = calloc(LATENCY_BUCKETS, sizeof *latency_micros);
    if (sent_ns == NULL || seen == NULL || latency_micros == NULL) {
        fail("calloc");
    }
    int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd < 0) {
        fail("epoll_create1");
    }
    for (uint32_t i = 0; i < phone_count; i++) {
        struct epoll_event event = { .events = EPOLLIN, .data.u32 = i };
        if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, phones[i].fd, &event) != 0) {
            fail("epoll_ctl");
        }
    }
    pthread_t receiver, sender;
    if (pthread_create(&receiver, NULL, receive_all, &epoll_fd) != 0
            || pthread_create(&sender, NULL, send_all, NULL) != 0) {
        fail("pthread_create");
    }
    pthread_join(sender, NULL);
    sleep_until(now_ns() + DRAIN_NS);
    __atomic_store_n(&receiving, 0, __ATOMIC_RELEASE);
    pthread_join(receiver, NULL);

    printf("result sent=%ld received=%ld rejected=%ld duplicates=%ld send_failures=%ld late=%ld"
           " in_window=%ld p50_us=%ld p99_us=%ld\n",
           sent_in_window, received_in_window, rejected, duplicates, send_failures, late, packets_in_window,
           percentile(0.5), percentile(0.99));
    fflush(stdout);
    return 0;
}
