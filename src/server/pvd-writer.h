/* pvd-writer.h: SCIM writes committed in groups
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pvd-store.h"

G_BEGIN_DECLS

typedef struct _PvdWriter PvdWriter;

/**
 * PvdWriterDone:
 * @error: %NULL once the transaction holding the change committed; else
 *   why it did not, and the change is lost
 *
 * Called in the main context the change was made in.
 */
typedef void (*PvdWriterDone) (const GError *error,
                               gpointer      user_data);

PvdWriter *pvd_writer_new    (const char     *location,
                              GError        **error);
void       pvd_writer_stop   (PvdWriter      *self);
void       pvd_writer_free   (PvdWriter      *self);
PvdStore  *pvd_writer_begin  (PvdWriter      *self,
                              gint64          tenant_id,
                              const char     *kind,
                              GError        **error);
void       pvd_writer_undo   (PvdWriter      *self);
void       pvd_writer_end    (PvdWriter      *self,
                              PvdWriterDone   done,
                              gpointer        user_data,
                              GDestroyNotify  destroy);

G_END_DECLS
