/* pv-bench.c: what tools/bench-app measures, from inside the app
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-bench"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <malloc.h>
#include <string.h>

#include "pv-bench.h"
#include "pv-window.h"

/* With PROVISIO_BENCH=1 (set by tools/bench-app only), the app measures
 * and prints one JSON line, then quits:
 *   first_frame_ms      launch (PROVISIO_BENCH_T0, CLOCK_MONOTONIC in µs)
 *                       to the window's first painted frame
 *   dashboard_frame_ms  launch to the first frame of the overview with
 *                       every tenant's cached state
 *   refresh_ms          the refresh of every tenant, start to end
 *   startup_stall_ms    the longest the main loop did not run a 5 ms
 *                       high-priority timer, from the first frame to the
 *                       start of the refresh (loading the cached state)
 *   max_stall_ms        the same, from the start of the refresh of every
 *                       tenant to its end and the redraw after it
 *   peak_kib            VmHWM
 *   search_ms           a search of the sidebar ("fab", then the tenants
 *                       it finds), from setting the text to the filtered
 *                       and sorted list, after the refresh
 *   search_frame_ms     the same, to the frame that shows it
 *   found               how many tenants that search found
 *   widgets             the window's widgets at the overview's first
 *                       frame (tools/bench-bare-window makes as many for
 *                       the floor) */

typedef struct {
  PvApplication *app;
  GtkWindow     *window;
  gint64         t0;
  gint64         first_frame;
  gint64         frame_start;   /* of the frame being drawn */
  gint64         layout_end;
  gint64         dashboard_frame;
  gint64         refresh_start;
  gint64         refresh_end;
  gint64         last_tick;
  gint64         max_stall;
  gint64         startup_stall;
  guint          expected;
  gboolean       dashboard_ready;
  gboolean       refreshed;
  gint64         search_start;
  gint64         search_done;
  gint64         search_frame;
  guint          found;
  guint          widgets;
} Bench;

static Bench bench;

static guint64
status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, field);
  return line ? g_ascii_strtoull (line + strlen (field), NULL, 10) : 0;
}

static guint
count_widgets (GtkWidget *widget)
{
  guint n = 1;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_widgets (child);
  return n;
}

static gboolean
report_cb (gpointer user_data)
{
  pv_bench_mark ("report");
  printf ("{\"first_frame_ms\": %.1f, \"dashboard_frame_ms\": %.1f, \"refresh_ms\": %.1f, "
          "\"startup_stall_ms\": %.1f, \"max_stall_ms\": %.1f, \"peak_kib\": %" G_GUINT64_FORMAT ", "
          "\"search_ms\": %.2f, \"search_frame_ms\": %.1f, \"found\": %u, \"tenants\": %u, \"widgets\": %u}\n",
          (bench.first_frame - bench.t0) / 1000.0, (bench.dashboard_frame - bench.t0) / 1000.0,
          (bench.refresh_end - bench.refresh_start) / 1000.0, bench.startup_stall / 1000.0,
          bench.max_stall / 1000.0, status_kib ("VmHWM:"),
          (bench.search_done - bench.search_start) / 1000.0, (bench.search_frame - bench.search_start) / 1000.0,
          bench.found, g_list_model_get_n_items (G_LIST_MODEL (pv_application_get_tenants (bench.app))),
          bench.widgets);
  fflush (stdout);
  g_application_quit (G_APPLICATION (bench.app));
  return G_SOURCE_REMOVE;
}

static gboolean
tick_cb (gpointer user_data)
{
  gint64 now = g_get_monotonic_time ();

  /* A long one in BENCH_LOG too, after the step that made it */
  if (bench.last_tick != 0 && now - bench.last_tick - 5000 > 20000)
    {
      g_autofree char *what = g_strdup_printf ("stall of %.1f ms", (now - bench.last_tick - 5000) / 1000.0);
      pv_bench_mark (what);
    }
  if (bench.last_tick != 0 && bench.refresh_start == 0)
    bench.startup_stall = MAX (bench.startup_stall, now - bench.last_tick - 5000);
  else if (bench.last_tick != 0)
    bench.max_stall = MAX (bench.max_stall, now - bench.last_tick - 5000);
  bench.last_tick = now;
  return G_SOURCE_CONTINUE;
}

static gboolean
all_cached (void)
{
  GListModel *tenants = G_LIST_MODEL (pv_application_get_tenants (bench.app));
  guint n = g_list_model_get_n_items (tenants);

  if (n == 0 || n < bench.expected)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PvTenantInfo) tenant = g_list_model_get_item (tenants, i);

      /* A tracked app's state is known here, its tokens maybe not checked yet */
      if (pv_tenant_info_get_fetched_at (tenant) == 0 &&
          pv_tenant_list_get_tracked_app (pv_application_get_tenants (bench.app), tenant) == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Until the overview's first frame, each frame's layout and drawing (with
 * its rendering) in BENCH_LOG, and after it the frames longer than 20 ms:
 * GTK's own handlers of these signals run before ours, connected when the
 * window's surface was made. */
static void
before_paint_cb (GdkFrameClock *clock,
                 gpointer       user_data)
{
  bench.frame_start = g_get_monotonic_time ();
}

static void
layout_cb (GdkFrameClock *clock,
           gpointer       user_data)
{
  bench.layout_end = g_get_monotonic_time ();
}

static void
paint_cb (GdkFrameClock *clock,
          gpointer       user_data)
{
  g_autofree char *what = NULL;
  gint64 now = g_get_monotonic_time ();

  /* After the overview's, only a frame that takes more than 20 ms */
  if (bench.frame_start == 0 || (bench.dashboard_frame != 0 && now - bench.frame_start <= 20000))
    return;
  what = g_strdup_printf ("frame: layout %.1f ms, drawing %.1f ms",
                          (bench.layout_end - bench.frame_start) / 1000.0,
                          (now - bench.layout_end) / 1000.0);
  pv_bench_mark (what);
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  gint64 now = g_get_monotonic_time ();

  if (bench.first_frame == 0)
    {
      bench.first_frame = now;
      pv_bench_mark ("first frame");
      bench.last_tick = now;
      g_timeout_add_full (G_PRIORITY_HIGH, 5, tick_cb, NULL, NULL);
    }
  if (bench.dashboard_frame == 0 && bench.dashboard_ready)
    {
      bench.dashboard_frame = now;
      pv_bench_mark ("overview's frame");
      bench.widgets = count_widgets (GTK_WIDGET (bench.window));
    }
  if (bench.search_start != 0 && bench.search_frame == 0)
    {
      bench.search_frame = now;
      g_timeout_add (200, report_cb, NULL);
    }
}

/* Three letters typed in the sidebar's search, once all is refreshed */
static gboolean
search_cb (gpointer user_data)
{
  bench.search_start = g_get_monotonic_time ();
  pv_window_search (PV_WINDOW (bench.window), "fab");
  bench.search_done = g_get_monotonic_time ();
  bench.found = pv_window_get_n_shown (PV_WINDOW (bench.window));
  gtk_widget_queue_draw (GTK_WIDGET (bench.window));
  return G_SOURCE_REMOVE;
}

static void
check_dashboard (void)
{
  if (bench.dashboard_ready)
    return;
  if (g_strcmp0 (pv_window_get_page (PV_WINDOW (bench.window)), "overview") == 0 && all_cached ())
    {
      bench.dashboard_ready = TRUE;
      pv_bench_mark ("overview ready");
      gtk_widget_queue_draw (GTK_WIDGET (bench.window));
    }
}

static void
refreshing_cb (PvTenantList *tenants)
{
  if (pv_tenant_list_get_refreshing (tenants) && bench.refresh_start == 0)
    {
      /* The tick that ends now belongs to the startup. */
      tick_cb (NULL);
      bench.refresh_start = g_get_monotonic_time ();
      pv_bench_mark ("refresh start");
    }
  else if (bench.refresh_start != 0 && !bench.refreshed)
    {
      bench.refreshed = TRUE;
      bench.refresh_end = g_get_monotonic_time ();
      pv_bench_mark ("refresh end");
      /* The redraw after the refresh counts too; then a search. */
      g_timeout_add (1000, search_cb, NULL);
    }
}

static void
realized_cb (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), NULL);
  g_signal_connect (clock, "layout", G_CALLBACK (layout_cb), NULL);
  g_signal_connect (clock, "paint", G_CALLBACK (paint_cb), NULL);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
}

static gboolean
poll_dashboard_cb (gpointer user_data)
{
  check_dashboard ();
  return bench.dashboard_ready ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

/**
 * pv_bench_mark:
 * @what: the step of the launch just reached
 *
 * With PROVISIO_BENCH set, prints to stderr (tools/bench-app's BENCH_LOG)
 * when the launch reached a step, and the memory then: the highest and
 * the current resident size, and malloc's heap in use and free, in KiB.
 */
void
pv_bench_mark (const char *what)
{
  static gint64 t0;
  struct mallinfo2 heap;

  if (g_getenv ("PROVISIO_BENCH") == NULL)
    return;
  if (t0 == 0)
    t0 = g_ascii_strtoll (g_getenv ("PROVISIO_BENCH_T0") ? g_getenv ("PROVISIO_BENCH_T0") : "0", NULL, 10);
  heap = mallinfo2 ();
  g_printerr ("bench: %-20s %7.1f ms  peak %6" G_GUINT64_FORMAT "  resident %6" G_GUINT64_FORMAT
              "  heap used %6zu free %6zu\n", what, (g_get_monotonic_time () - t0) / 1000.0,
              status_kib ("VmHWM:"), status_kib ("VmRSS:"), heap.uordblks / 1024, heap.fordblks / 1024);
}

/**
 * pv_bench_attach:
 *
 * Measures this run (see above) when PROVISIO_BENCH is set.
 */
void
pv_bench_attach (PvApplication *app,
                 GtkWindow     *window)
{
  const char *t0 = g_getenv ("PROVISIO_BENCH_T0");
  const char *expected = g_getenv ("PROVISIO_BENCH_TENANTS");

  if (g_getenv ("PROVISIO_BENCH") == NULL)
    return;
  bench.app = app;
  bench.window = window;
  bench.t0 = t0 ? g_ascii_strtoll (t0, NULL, 10) : g_get_monotonic_time ();
  bench.expected = expected ? (guint) g_ascii_strtoull (expected, NULL, 10) : 1;
  g_signal_connect (window, "realize", G_CALLBACK (realized_cb), NULL);
  g_signal_connect (pv_application_get_tenants (app), "notify::refreshing", G_CALLBACK (refreshing_cb), NULL);
  g_timeout_add (1, poll_dashboard_cb, NULL);
}
