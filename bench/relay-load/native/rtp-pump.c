/*
 * rtp-pump: the relay bench's packet sender and receiver in C, so that at high packet rates the load
 * generator costs the machine only its system calls and leaves the rest of the cores to the relay.
 *
 * The Java generator (relay-load --pump) keeps everything that needs thought: it sets the calls up
 * through ng, encrypts every packet in advance with the phone emulator's SRTP, and prepares for each
 * phone the exact bytes it must receive (the other phone's packet, as the relay must forward it under
 * the key the phone was given). This program only moves bytes on the schedule and compares them:
 *
 *   rtp-pump PHONES FIRST_ADDRESS
 *     gives phone i the loopback address FIRST_ADDRESS + i, all on one UDP port of one socket, and
 *     prints "phones FIRST_ADDRESS LAST_ADDRESS PORT";
 *     then reads "go PLAN_FILE" on stdin, runs the plan and prints one "result ..." line.
 *
 * One socket for every phone, not one each, so that the pump moves its packets in batches: the sender
 * hands all packets due within the same short wait to one sendmmsg (each with its phone's source
 * address in an IP_PKTINFO message), and the receiver takes whatever has arrived with one recvmmsg
 * (the destination address, also from IP_PKTINFO, says which phone it reached), then pauses briefly
 * so that the next call finds several. On loopback a send carries the packet all the way into the
 * receiving socket and wakes its reader, so a generator with a socket per phone and a wake-up per
 * packet costs about what the relay it drives does, on the same cores.
 *
 * Plan file, little-endian:
 *   u32 magic "RPMP", u32 phones, u32 ticks, u32 warmup ticks, i64 start (CLOCK_MONOTONIC ns), i64 period ns
 *   per phone, 16 bytes: u8[4] relay IPv4 address, u16 relay port, u16 send length, u16 expected length,
 *                        u16 zero, u32 index of the phone whose packets arrive here
 *   per phone: ticks packets to send (send length each), then ticks packets expected (expected length)
 *
 * Phone i sends its packet of tick t at start + t * period + i * period / phones (spread over the
 * period as independent phones would be). A packet counts as received when its length and bytes are
 * exactly the expected packet of its sequence number, came from the relay port of the phone's plan
 * and was not seen before; one sent before the warm-up's end is not measured. One-way time: from just
 * before the sender's send to just after the receiver's read, on the same clock (a packet that waits
 * in the socket during the receiver's pause counts its wait). The receiver stops one second after the
 * last send.
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
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAGIC 0x504d5052u            /* "RPMP" read little-endian */
#define HEADER 32
#define PHONE_ENTRY 16
#define PARK_THRESHOLD_NS 80000      /* below this, send at once: a sleep wakes about this late anyway */
#define BATCH 256                    /* packets per sendmmsg or recvmmsg at most */
#define RECEIVE_BUFFER (64 << 20)    /* every phone's packets queue in one socket */
#define RECEIVE_PAUSE_NS 100000      /* after a batch that did not fill, let the next packets gather */
#define DRAIN_NS 1000000000LL
#define LATENCY_BUCKETS 1000001      /* one per microsecond up to a second, the last for anything later */
#define MAX_PHONES 200000
#define MAX_TICKS 60000

struct phone {
    struct in_addr address;
    struct sockaddr_in relay;
    uint16_t send_length;
    uint16_t expected_length;
    uint32_t peer;
    const uint8_t *sending;          /* ticks packets of send_length */
    const uint8_t *expected;         /* ticks packets of expected_length */
};

static struct phone *phones;
static uint32_t phone_count;
static uint32_t first_address;       /* host order */
static int socket_fd;
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

static void open_socket(const char *first) {
    struct in_addr address;
    if (inet_pton(AF_INET, first, &address) != 1) {
        refuse("FIRST_ADDRESS must be an IPv4 address");
    }
    first_address = ntohl(address.s_addr);
    uint32_t last = first_address + phone_count - 1;
    if (first_address >> 24 != 127 || last >> 24 != 127 || (first_address & 0xffffff) == 0
            || (last & 0xffffff) == 0xffffff) {
        refuse("the phones' addresses must lie within 127.0.0.1 to 127.255.255.254");
    }
    socket_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (socket_fd < 0) {
        fail("socket");
    }
    int on = 1;
    if (setsockopt(socket_fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on) != 0) {
        fail("IP_PKTINFO");
    }
    int buffer = RECEIVE_BUFFER;
    if (setsockopt(socket_fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer) != 0
            && setsockopt(socket_fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer) != 0) {
        fail("SO_RCVBUF");
    }
    /* The receiver waits at most this long, to see when it is told to stop. */
    struct timeval wait = { .tv_sec = 0, .tv_usec = 100000 };
    if (setsockopt(socket_fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait) != 0) {
        fail("SO_RCVTIMEO");
    }
    /* Bound to every address, so that each phone's own loopback address reaches it; a packet to an
     * address of no phone is counted as rejected. */
    struct sockaddr_in local = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY) };
    if (bind(socket_fd, (struct sockaddr *) &local, sizeof local) != 0) {
        fail("bind");
    }
    struct sockaddr_in bound;
    socklen_t length = sizeof bound;
    if (getsockname(socket_fd, (struct sockaddr *) &bound, &length) != 0) {
        fail("getsockname");
    }
    for (uint32_t i = 0; i < phone_count; i++) {
        phones[i].address.s_addr = htonl(first_address + i);
    }
    struct in_addr last_address = { .s_addr = htonl(last) };
    char last_text[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &last_address, last_text, sizeof last_text);
    printf("phones %s %s %u\n", first, last_text, ntohs(bound.sin_port));
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
    }
    if (offset != size) {
        refuse("the plan is longer than its phones and packets");
    }
}

static int64_t due_ns(uint64_t packet) {
    uint32_t tick = (uint32_t) (packet / phone_count);
    uint32_t i = (uint32_t) (packet % phone_count);
    return start_ns + tick * period_ns + (int64_t) i * period_ns / phone_count;
}

/* Sends the batch; a message the kernel refuses is counted and skipped, the rest still go. */
static void send_batch(struct mmsghdr *batch, unsigned count, const uint8_t *in_window) {
    unsigned done = 0;
    while (done < count) {
        int sent = sendmmsg(socket_fd, batch + done, count - done, MSG_DONTWAIT);
        if (sent < 0) {
            send_failures++; /* a full socket buffer or an ICMP error from a port that is gone */
            sent = 1;
        } else {
            for (int m = 0; m < sent; m++) {
                sent_in_window += in_window[done + m];
            }
        }
        done += (unsigned) sent;
    }
}

static void *send_all(void *unused) {
    (void) unused;
    static struct mmsghdr batch[BATCH];
    static struct iovec packets[BATCH];
    static uint8_t controls[BATCH][CMSG_SPACE(sizeof(struct in_pktinfo))];
    static uint8_t in_window[BATCH];
    uint64_t total = (uint64_t) ticks * phone_count;
    uint64_t next = 0;
    while (next < total) {
        int64_t now = now_ns();
        int64_t first_due = due_ns(next);
        if (first_due - now > PARK_THRESHOLD_NS) {
            sleep_until(first_due);
            now = now_ns();
        }
        /* Everything due before the next sleep could end goes now, in one call. */
        unsigned count = 0;
        while (next < total && count < BATCH) {
            int64_t due = due_ns(next);
            if (due - now > PARK_THRESHOLD_NS) {
                break; /* due after the next sleep */
            }
            uint32_t tick = (uint32_t) (next / phone_count);
            uint32_t i = (uint32_t) (next % phone_count);
            int window = tick >= warmup_ticks;
            if (window && now - due > period_ns) {
                late++;
            }
            packets_in_window += window;
            struct phone *phone = &phones[i];
            packets[count] = (struct iovec) {
                .iov_base = (void *) (phone->sending + (size_t) tick * phone->send_length),
                .iov_len = phone->send_length };
            struct msghdr *message = &batch[count].msg_hdr;
            *message = (struct msghdr) { .msg_name = &phone->relay, .msg_namelen = sizeof phone->relay,
                                         .msg_iov = &packets[count], .msg_iovlen = 1,
                                         .msg_control = controls[count], .msg_controllen = sizeof controls[count] };
            struct cmsghdr *control = CMSG_FIRSTHDR(message);
            control->cmsg_level = IPPROTO_IP;
            control->cmsg_type = IP_PKTINFO;
            control->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
            struct in_pktinfo source = { .ipi_spec_dst = phone->address };
            memcpy(CMSG_DATA(control), &source, sizeof source);
            in_window[count] = (uint8_t) window;
            __atomic_store_n(&sent_ns[(size_t) i * ticks + tick], now, __ATOMIC_RELEASE);
            count++;
            next++;
        }
        send_batch(batch, count, in_window);
    }
    return NULL;
}

static void take(uint32_t i, const struct sockaddr_in *from, const uint8_t *packet, ssize_t length,
                 int64_t now) {
    struct phone *phone = &phones[i];
    if (from->sin_addr.s_addr != phone->relay.sin_addr.s_addr || from->sin_port != phone->relay.sin_port
            || length != phone->expected_length) {
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

/* The phone a packet reached, from its destination address, or -1 for an address of no phone. */
static int64_t phone_reached(struct msghdr *message) {
    for (struct cmsghdr *control = CMSG_FIRSTHDR(message); control != NULL; control = CMSG_NXTHDR(message, control)) {
        if (control->cmsg_level == IPPROTO_IP && control->cmsg_type == IP_PKTINFO) {
            struct in_pktinfo destination;
            memcpy(&destination, CMSG_DATA(control), sizeof destination);
            uint32_t index = ntohl(destination.ipi_addr.s_addr) - first_address;
            return index < phone_count ? (int64_t) index : -1;
        }
    }
    return -1;
}

static void *receive_all(void *unused) {
    (void) unused;
    static struct mmsghdr batch[BATCH];
    static struct iovec buffers[BATCH];
    static uint8_t packets[BATCH][2048];
    static struct sockaddr_in sources[BATCH];
    static uint8_t controls[BATCH][CMSG_SPACE(sizeof(struct in_pktinfo))];
    while (__atomic_load_n(&receiving, __ATOMIC_ACQUIRE)) {
        for (int m = 0; m < BATCH; m++) {
            buffers[m] = (struct iovec) { .iov_base = packets[m], .iov_len = sizeof packets[m] };
            batch[m].msg_hdr = (struct msghdr) { .msg_name = &sources[m], .msg_namelen = sizeof sources[m],
                                                 .msg_iov = &buffers[m], .msg_iovlen = 1,
                                                 .msg_control = controls[m], .msg_controllen = sizeof controls[m] };
        }
        /* Waits for one packet (at most SO_RCVTIMEO), then takes whatever else has arrived. */
        int received = recvmmsg(socket_fd, batch, BATCH, MSG_WAITFORONE, NULL);
        if (received < 0) {
            if (errno != EAGAIN && errno != EINTR && errno != ECONNREFUSED) {
                fail("recvmmsg");
            }
            continue; /* nothing in time, or an ICMP error queued on the socket: the data behind it comes next */
        }
        int64_t now = now_ns();
        if (received < BATCH) {
            /* Waking for every packet would cost the pump a context switch a packet, and whoever sends
             * to it (the relay) the wake-up, which on a real network happens on the phone, not on the
             * relay's machine. The packets' times were taken above; those that arrive meanwhile wait
             * in the socket and count their wait. */
            struct timespec pause = { .tv_sec = 0, .tv_nsec = RECEIVE_PAUSE_NS };
            nanosleep(&pause, NULL);
        }
        for (int m = 0; m < received; m++) {
            int64_t i = phone_reached(&batch[m].msg_hdr);
            if (i < 0 || (batch[m].msg_hdr.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
                rejected++;
            } else {
                take((uint32_t) i, &sources[m], packets[m], batch[m].msg_len, now);
            }
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
        refuse("usage: rtp-pump PHONES FIRST_ADDRESS");
    }
    char *end;
    long count = strtol(argv[1], &end, 10);
    if (*end != '\0' || count < 2 || count > MAX_PHONES) {
        refuse("PHONES must be a number from 2 to 200000");
    }
    phone_count = (uint32_t) count;
    phones = calloc(phone_count, sizeof *phones);
    if (phones == NULL) {
        fail("calloc");
    }
    open_socket(argv[2]);

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
    pthread_t receiver, sender;
    if (pthread_create(&receiver, NULL, receive_all, NULL) != 0
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
