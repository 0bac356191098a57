/* pvd-scim-schema.h: the SCIM schemas provisiod serves, as the law for what it keeps
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PVD_SCIM_SCHEMA_USER "urn:ietf:params:scim:schemas:core:2.0:User"
#define PVD_SCIM_SCHEMA_GROUP "urn:ietf:params:scim:schemas:core:2.0:Group"
#define PVD_SCIM_SCHEMA_ENTERPRISE "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

JsonObject *pvd_scim_schemas_document        (void);
JsonArray  *pvd_scim_schema_attributes       (const char  *urn);
JsonObject *pvd_scim_schema_find_attribute   (JsonArray   *attributes,
                                              const char  *name);
JsonObject *pvd_scim_schema_find_path        (const char  *core_schema,
                                              const char  *path);
const char *pvd_scim_schema_match_urn        (const char  *core_schema,
                                              const char  *text);
gboolean    pvd_scim_schema_is_extension     (const char  *core_schema,
                                              const char  *urn);
gboolean    pvd_scim_schema_is_mutability    (JsonObject  *definition,
                                              const char  *mutability);
void        pvd_scim_schema_prune            (JsonObject  *resource,
                                              const char  *core_schema);
gboolean    pvd_scim_attribute_is_case_exact (const char  *path,
                                              gpointer     user_data);

G_END_DECLS
