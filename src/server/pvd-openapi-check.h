/* pvd-openapi-check.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PVD_TYPE_OPENAPI_CHECK (pvd_openapi_check_get_type ())
G_DECLARE_FINAL_TYPE (PvdOpenapiCheck, pvd_openapi_check, PVD, OPENAPI_CHECK, GObject)

PvdOpenapiCheck *pvd_openapi_check_new_from_resource  (const char       *resource_path,
                                                      GError          **error);
JsonNode        *pvd_openapi_check_get_request_schema (PvdOpenapiCheck  *self,
                                                      const char       *path_template,
                                                      const char       *method);
gboolean         pvd_openapi_check_validate           (PvdOpenapiCheck  *self,
                                                      JsonNode         *schema,
                                                      JsonNode         *value,
                                                      GError          **error);

G_END_DECLS
