/* pv-app-page.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pv-tenant-list.h"
#include "pv-vendor.h"

G_BEGIN_DECLS

GtkWidget *pv_app_page_new              (PvTenantList   *tenants,
                                         PvTenantInfo   *tenant,
                                         PvTrackedApp   *app);
void       pv_app_page_describe_console (GtkWidget      *group,
                                         const PvVendor *vendor);
void       pv_app_page_add_steps        (GtkWidget      *group,
                                         GPtrArray      *steps);

G_END_DECLS
