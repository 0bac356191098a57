/* pv-tenant-page.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pv-tenant-list.h"

G_BEGIN_DECLS

#define PV_TYPE_TENANT_PAGE (pv_tenant_page_get_type ())
G_DECLARE_FINAL_TYPE (PvTenantPage, pv_tenant_page, PV, TENANT_PAGE, AdwBin)

void pv_tenant_page_set_tenant (PvTenantPage *self,
                                PvTenantInfo *tenant,
                                PvTenantList *tenants);

G_END_DECLS
