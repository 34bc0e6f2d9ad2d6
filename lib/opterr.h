/*
 * getopt_long's complaints as usage errors: one line saying what is wrong,
 * then "Try 'NAME --help'.", exit 2. Call getopt_long with opterr = 0 and
 * an optstring that starts with ':', and pass what it returned for
 * anything the switch does not handle.
 */
#ifndef IPCUTILS_OPTERR_H
#define IPCUTILS_OPTERR_H

#include <stdnoreturn.h>

noreturn void usage_bad_option(char *const argv[], int c);

#endif
