/**
 * The everyday name of a community or village, without its committee suffix: "站北社区居民委员会" →
 * "站北社区", "卢家巷社区居委会（含卢家巷村村委）" → "卢家巷社区", "漕溪村村委会" → "漕溪村". An area is the
 * community, not its committee; grid names are built on this form. Idempotent.
 */
export function shortAreaName(name: string): string {
  return name
    .replace(/[（(][^）)]*[）)]/g, '')
    .replace(/(居民委员会|居委会|村民委员会|村委会)$/, '')
    .trim();
}
