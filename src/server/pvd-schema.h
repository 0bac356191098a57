/* pvd-schema.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PVD_TYPE_SCHEMA (pvd_schema_get_type ())
G_DECLARE_FINAL_TYPE (PvdSchema, pvd_schema, PVD, SCHEMA, GObject)

PvdSchema  *pvd_schema_new_from_resource   (const char  *resource_path,
                                            GError     **error);
JsonNode   *pvd_schema_get_request_schema  (PvdSchema   *self,
                                            const char  *path_template,
                                            const char  *method);
gboolean    pvd_schema_validate            (PvdSchema   *self,
                                            JsonNode    *schema,
                                            JsonNode    *value,
                                            GError     **error);

G_END_DECLS
