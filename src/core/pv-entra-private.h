/* pv-entra-private.h: what pv-entra*.c share and no caller needs
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pv-entra.h"

G_BEGIN_DECLS

void     pv_entra_set_invalid (GError    **error,
                               const char *what);
gint64   pv_entra_member_time (JsonObject *object,
                               const char *member);
gboolean pv_entra_valid_id    (const char *id);

G_END_DECLS
