/* pv-dashboard.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pv-tenant-list.h"

G_BEGIN_DECLS

#define PV_TYPE_DASHBOARD (pv_dashboard_get_type ())
G_DECLARE_FINAL_TYPE (PvDashboard, pv_dashboard, PV, DASHBOARD, AdwBin)

void pv_dashboard_set_tenants (PvDashboard  *self,
                               PvTenantList *tenants);
void pv_dashboard_update      (PvDashboard  *self);
void pv_dashboard_focus_next_actions (PvDashboard *self);

G_END_DECLS
