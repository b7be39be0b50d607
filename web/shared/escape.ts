/**
 * ECharts renders a tooltip formatter's string as HTML: every text a person typed (an incident's
 * title, a resource's name) goes through this first, so markup in it shows as text.
 */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
