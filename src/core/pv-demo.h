/* pv-demo.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-entra-session.h"
#include "pv-tenant-list.h"

G_BEGIN_DECLS

#define PV_TYPE_DEMO (pv_demo_get_type ())
G_DECLARE_FINAL_TYPE (PvDemo, pv_demo, PV, DEMO, GObject)

char         *pv_demo_find_server   (void);
char         *pv_demo_find_entra    (void);
void          pv_demo_start_async   (const char          *server,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
PvDemo       *pv_demo_start_finish  (GAsyncResult        *result,
                                     GError             **error);
const char   *pv_demo_get_url       (PvDemo              *self);
PvTenantList *pv_demo_get_tenants   (PvDemo              *self);
PvEntraSession *pv_demo_get_entra   (PvDemo              *self);
void          pv_demo_stop          (PvDemo              *self);

G_END_DECLS
