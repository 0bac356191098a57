/* pv-bench.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pv-application.h"

G_BEGIN_DECLS

void pv_bench_attach (PvApplication *app,
                      GtkWindow     *window);
void pv_bench_mark   (const char    *what);

G_END_DECLS
