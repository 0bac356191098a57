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

#define PV_TYPE_CONNECTION_PANEL (pv_connection_panel_get_type ())
G_DECLARE_FINAL_TYPE (PvConnectionPanel, pv_connection_panel, PV, CONNECTION_PANEL, AdwPreferencesGroup)

#define PV_TYPE_ENTRA_ROW (pv_entra_row_get_type ())
G_DECLARE_FINAL_TYPE (PvEntraRow, pv_entra_row, PV, ENTRA_ROW, AdwActionRow)

GtkWidget        *pv_connection_panel_new            (PvTenantList      *tenants,
                                                      PvTenantInfo      *tenant,
                                                      PvConnectionInfo  *connection);
PvConnectionInfo *pv_connection_panel_get_connection (PvConnectionPanel *self);
void              pv_connection_panel_update         (PvConnectionPanel *self);

GtkWidget        *pv_entra_row_new                   (PvTenantList      *tenants,
                                                      PvTenantInfo      *tenant,
                                                      PvConnectionInfo  *connection);
gboolean          pv_entra_row_update                (PvEntraRow        *self);

PvExpiryState     pv_connection_state_now            (PvTenantInfo      *tenant,
                                                      PvConnectionInfo  *connection);
GtkWidget        *pv_connection_panel_entra_row_new  (PvTenantList      *tenants,
                                                      PvTenantInfo      *tenant,
                                                      PvConnectionInfo  *connection,
                                                      gint64             now);

G_END_DECLS
