/* pv-graph-private.h: the readers of Microsoft's answers, for the Graph
 * client and its fuzz test
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pv-graph.h"

G_BEGIN_DECLS

JsonNode     *pv_graph_parse                 (GBytes     *bytes);
char         *pv_graph_account_from_id_token (const char *id_token);
GError       *pv_graph_oauth_error           (JsonNode   *answer,
                                              guint       status);
guint         pv_graph_aadsts_code           (JsonNode   *answer);
char         *pv_graph_missing_rights_message (const char *granted_scopes,
                                               guint       status,
                                               JsonNode   *body);
PvDeviceCode *pv_device_code_new_from_json   (JsonNode   *answer,
                                              char      **device_code);
char         *pv_entra_base_address_from_secrets (JsonNode *answer);

G_END_DECLS
