/* pv-cache.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

GFile      *pv_cache_file_for    (const char          *tenant);
void        pv_cache_save_async  (const char          *tenant,
                                  JsonObject          *state,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
gboolean    pv_cache_save_finish (GAsyncResult        *result,
                                  GError             **error);
JsonObject *pv_cache_read        (const char          *tenant,
                                  gint64              *out_fetched_at,
                                  GCancellable        *cancellable,
                                  GError             **error);
void        pv_cache_forget_async  (const char          *tenant,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean    pv_cache_forget_finish (GAsyncResult        *result,
                                    GError             **error);

G_END_DECLS
