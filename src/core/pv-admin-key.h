/* pv-admin-key.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-client.h"

G_BEGIN_DECLS

/**
 * PvRotatedKey:
 * @secret: the new key, now in the keyring; freed with explicit zeroing
 * @id: its id
 * @prefix: its prefix, such as pva_AbC123
 * @expires_at: when it expires
 * @replaces: the id of the key it replaces, which retires
 */
typedef struct {
  char   *secret;
  char   *id;
  char   *prefix;
  gint64  expires_at;
  char   *replaces;
} PvRotatedKey;

void          pv_rotated_key_free        (PvRotatedKey        *key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvRotatedKey, pv_rotated_key_free)

void          pv_admin_key_rotate_async  (const char          *tenant,
                                          PvClient            *client,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
PvRotatedKey *pv_admin_key_rotate_finish (GAsyncResult        *result,
                                          GError             **error);

G_END_DECLS
