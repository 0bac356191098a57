/* pv-connection-panel.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pv-connection-info.h"
#include "pv-tenant-list.h"

G_BEGIN_DECLS

GtkWidget *pv_connection_panel_new (PvTenantList     *tenants,
                                    PvTenantInfo     *tenant,
                                    PvConnectionInfo *connection);

GtkWidget *pv_connection_panel_entra_row_new (PvTenantList     *tenants,
                                              PvTenantInfo     *tenant,
                                              PvConnectionInfo *connection,
                                              gint64            now);

G_END_DECLS
