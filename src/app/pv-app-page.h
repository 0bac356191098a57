/* pv-app-page.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pv-tenant-list.h"

G_BEGIN_DECLS

GtkWidget *pv_app_page_new (PvTenantList *tenants,
                            PvTenantInfo *tenant,
                            PvTrackedApp *app);

G_END_DECLS
