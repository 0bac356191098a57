/* pvd-limits.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pvd-server-private.h"

G_BEGIN_DECLS

typedef struct {
  guint n_fields;
  gsize size;
} PvdHeaderSize;

void     pvd_send_limit_error      (PvdMessage          *msg,
                                    guint                status);
void     pvd_header_size_add       (PvdHeaderSize       *size,
                                    const char          *name,
                                    const char          *value);
gboolean pvd_header_size_too_large (const PvdHeaderSize *size);

G_END_DECLS
