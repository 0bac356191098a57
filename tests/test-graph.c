/* test-graph.c: what the Graph client makes of Microsoft's refusals, and
 * what each of Microsoft's clouds offers
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "pv-entra.h"
#include "pv-graph-private.h"

static JsonNode *
parse (const char *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  return pv_graph_parse (bytes);
}

static void
test_refusals (void)
{
  struct {
    const char   *answer;
    PvGraphError  code;
    const char   *message;
  } cases[] = {
    /* Conditional Access: not a dead sign-in, the policy is named */
    { "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS53003: Access has been blocked by Conditional "
      "Access policies.\\r\\nTrace ID: 1\",\"error_codes\":[53003]}",
      PV_GRAPH_ERROR_BLOCKED, "from that policy (AADSTS53003: Access has been blocked by Conditional Access policies.)" },
    { "{\"error\":\"interaction_required\",\"error_description\":\"AADSTS50076: MFA.\",\"error_codes\":[50076]}",
      PV_GRAPH_ERROR_NOT_SIGNED_IN, "multi-factor authentication again; sign in again (AADSTS50076: MFA.)" },
    /* The code from the description when error_codes is missing */
    { "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS65001: No consent.\"}",
      PV_GRAPH_ERROR_SIGN_IN_FAILED, "registers a client of the organisation's own (AADSTS65001: No consent.)" },
    /* A code Provisio does not know: Microsoft's words, with the code added */
    { "{\"error\":\"invalid_grant\",\"error_description\":\"Something new.\",\"error_codes\":[99999]}",
      PV_GRAPH_ERROR_NOT_SIGNED_IN, "sign in again (AADSTS99999: Something new.)" },
    { "{\"error\":\"invalid_client\",\"error_codes\":[12345]}",
      PV_GRAPH_ERROR_SIGN_IN_FAILED, "Microsoft refused the sign-in: AADSTS12345" },
    { "{\"error\":\"expired_token\",\"error_codes\":[70019]}",
      PV_GRAPH_ERROR_CODE_EXPIRED, "The code expired" },
    { "{}", PV_GRAPH_ERROR_INVALID_RESPONSE, "HTTP 400 and no usable error" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) answer = parse (cases[i].answer);
      g_autoptr(GError) error = pv_graph_oauth_error (answer, 400);

      g_assert_error (error, PV_GRAPH_ERROR, (gint) cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      g_assert_null (strstr (error->message, "Trace ID"));
    }
}

static void
test_missing_rights (void)
{
  g_autoptr(JsonNode) body = parse ("{\"error\":{\"code\":\"UnknownError\",\"message\":\"\"}}");
  g_autofree char *role = pv_graph_missing_rights_message ("https://graph.microsoft.com/Synchronization.ReadWrite.All "
                                                           "https://graph.microsoft.com/Application.Read.All", 401, body);
  g_autofree char *consent = pv_graph_missing_rights_message ("https://graph.microsoft.com/Application.Read.All",
                                                              401, body);

  g_assert_nonnull (strstr (role, "Cloud Application Administrator role (HTTP 401)"));
  g_assert_nonnull (strstr (consent, "Synchronization.ReadWrite.All was not consented to"));
}

static void
test_clouds (void)
{
  const PvGraphCloud *china = pv_graph_cloud_lookup ("china");
  const PvGraphCloud *global = pv_graph_cloud_lookup ("global");
  g_autoptr(PvGraph) in_china = pv_graph_new (china->login_url, china->graph_url, NULL, NULL);
  g_autoptr(PvGraph) custom = pv_graph_new ("http://127.0.0.1:1", "http://127.0.0.1:1", NULL, NULL);

  /* The login host Microsoft names for China today */
  g_assert_cmpstr (china->login_url, ==, "https://login.partner.microsoftonline.cn");
  g_assert_false (china->validate_credentials);
  g_assert_true (global->validate_credentials);
  g_assert_true (pv_graph_cloud_for_graph_url ("https://microsoftgraph.chinacloudapi.cn") == china);
  g_assert_null (pv_graph_cloud_for_graph_url ("http://127.0.0.1:1"));

  g_assert_false (pv_entra_hand_over_step_available (in_china, PV_HAND_OVER_VALIDATE));
  for (PvHandOverStep step = PV_HAND_OVER_SAVE; step < PV_HAND_OVER_N_STEPS; step++)
    g_assert_true (pv_entra_hand_over_step_available (custom, step));
  g_assert_true (pv_entra_hand_over_step_available (in_china, PV_HAND_OVER_RESTART));

  /* Said before a renewal, in the preferences and after provisioctl entra sign-in */
  {
    g_autofree char *note = pv_entra_cloud_note (in_china);
    g_autofree char *none = pv_entra_cloud_note (custom);

    g_assert_nonnull (strstr (note, "China (operated by 21Vianet)"));
    g_assert_nonnull (strstr (note, "does not offer Entra's credential test"));
    g_assert_null (none);
  }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/graph/refusals", test_refusals);
  g_test_add_func ("/graph/missing-rights", test_missing_rights);
  g_test_add_func ("/graph/clouds", test_clouds);
  return g_test_run ();
}
