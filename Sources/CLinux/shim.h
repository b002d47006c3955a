#ifndef CLINUX_SHIM_H
#define CLINUX_SHIM_H
// Linux interfaces that the Glibc module does not bring in.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/ip_icmp.h>
#include <netinet/icmp6.h>
#include <linux/errqueue.h>
#include <arpa/inet.h>
#include <signal.h>
#endif
