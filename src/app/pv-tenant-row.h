/* pv-tenant-row.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pv-tenant-info.h"

G_BEGIN_DECLS

#define PV_TYPE_TENANT_ROW (pv_tenant_row_get_type ())
G_DECLARE_FINAL_TYPE (PvTenantRow, pv_tenant_row, PV, TENANT_ROW, GtkWidget)

GtkWidget    *pv_tenant_row_new        (void);
PvTenantInfo *pv_tenant_row_get_tenant (PvTenantRow  *self);
void          pv_tenant_row_set_tenant (PvTenantRow  *self,
                                        PvTenantInfo *tenant);
void          pv_tenant_row_update     (PvTenantRow  *self);

G_END_DECLS
