/* SPDX-License-Identifier: ISC */
/*
 * recflush N SIZE: queue N records of SIZE bytes (after rec_writer_reserve
 * makes room for them all) and write them with rec_flush_some; report
 * "rc R done D" on stderr. For tests/msgq-lib.bats.
 */
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "parse.h"
#include "record.h"
#include "tool.h"

int main(int argc, char **argv)
{
	struct rec_writer w;
	char rec[4096];
	size_t done = 0;

	tool_init("recflush");
	if (argc != 3)
		usage_error("usage: recflush N SIZE");
	uint64_t n = arg_u64("N", argv[1], 0, 1000000);
	uint64_t size = arg_u64("SIZE", argv[2], 0, sizeof rec);
	memset(rec, 'x', sizeof rec);
	rec_writer_init(&w, 1, '\n');
	rec_writer_reserve(&w, (size_t)(n * (size + 1)));
	for (uint64_t i = 0; i < n; i++)
		if (rec_write(&w, rec, (size_t)size) < 0)
			die(1, "rec_write flushed early:");
	int rc = rec_flush_some(&w, &done);
	fprintf(stderr, "rc %d done %zu\n", rc, done);
	rec_writer_free(&w);
	return 0;
}
