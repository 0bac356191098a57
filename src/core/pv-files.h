/* pv-files.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void     pv_file_write_private_async  (GFile               *file,
                                       GBytes              *contents,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean pv_file_write_private_finish (GAsyncResult        *result,
                                       GError             **error);
GFile   *pv_file_new_for_state        (const char          *name);
gboolean pv_file_load_list            (GFile               *file,
                                       GCancellable        *cancellable,
                                       char               **contents,
                                       gsize               *length,
                                       GError             **error);
gboolean pv_file_load_list_finish     (GFile               *file,
                                       GAsyncResult        *result,
                                       char               **contents,
                                       gsize               *length,
                                       GError             **error);

G_END_DECLS
