/* pvd-limits.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pvd-server-private.h"

G_BEGIN_DECLS

void pvd_limits_start (PvdWorker *worker);
void pvd_limits_stop  (PvdWorker *worker);

G_END_DECLS
