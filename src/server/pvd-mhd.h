/* pvd-mhd.h: libmicrohttpd, provisiod's HTTP front end
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pvd-server-private.h"

G_BEGIN_DECLS

gboolean pvd_mhd_start (PvdWorker  *worker,
                        GError    **error);
void     pvd_mhd_stop  (PvdWorker  *worker);

G_END_DECLS
