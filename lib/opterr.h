/* SPDX-License-Identifier: ISC */
/*
 * getopt_long's complaints as usage errors: one line saying what is wrong,
 * then "Try 'NAME --help'.", exit 2. Call getopt_long with opterr = 0 and
 * an optstring that starts with ':', and pass the same argc, argv and
 * optstring with what it returned for anything the switch does not handle.
 * Works with glibc's and musl's getopt_long, which leave optind in
 * different places.
 */
#ifndef IPCUTILS_OPTERR_H
#define IPCUTILS_OPTERR_H

#include <getopt.h>
#include <stdbool.h>
#include <stdnoreturn.h>

noreturn void usage_bad_option(int argc, char *const argv[],
			       const char *optstring, int c);

/*
 * getopt_long with opterr off, for a tool whose target options a library
 * module takes (ipc_target_option, shm_option): each option goes to
 * take(arg, c, optarg) first. Returns the next option take does not
 * take, or -1 when the options end.
 */
int getopt_taking(int argc, char **argv, const char *optstring, const struct option *longopts,
		  bool (*take)(void *arg, int c, const char *optarg), void *arg);

#endif
