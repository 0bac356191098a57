/* pv-token-row.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pv-connection-info.h"
#include "pv-tenant-list.h"
#include "pv-token-info.h"

G_BEGIN_DECLS

#define PV_TYPE_TOKEN_ROW (pv_token_row_get_type ())
G_DECLARE_FINAL_TYPE (PvTokenRow, pv_token_row, PV, TOKEN_ROW, AdwExpanderRow)

GtkWidget   *pv_token_row_new       (PvTenantList     *tenants,
                                     PvTenantInfo     *tenant,
                                     PvConnectionInfo *connection,
                                     PvTokenInfo      *token);
PvTokenInfo *pv_token_row_get_token (PvTokenRow       *self);
void         pv_token_row_update    (PvTokenRow       *self);

G_END_DECLS
