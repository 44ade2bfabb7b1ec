/**
 * Which map labels to show. Names are HTML markers (there are no map fonts offline), so MapLibre
 * cannot declutter them: this does, greedily, in screen pixels. A label also hides when its area
 * is drawn narrower than the name, so names never bury the boundary they describe.
 */
export interface LabelBox {
  /** Centre, in screen pixels. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Higher goes first (the selected area, a preview piece). */
  priority: number;
  /** How wide the labelled area is drawn, when known. */
  roomWidth?: number;
}

/** Share of a label's width its area must span for the label to show. */
const MIN_ROOM = 0.8;

export function visibleLabels(boxes: readonly LabelBox[], gap = 4): boolean[] {
  const order = boxes.map((_, i) => i).sort((a, b) => (boxes[b]?.priority ?? 0) - (boxes[a]?.priority ?? 0) || a - b);
  const shown: LabelBox[] = [];
  const visible = boxes.map(() => false);
  for (const i of order) {
    const box = boxes[i];
    if (!box) continue;
    if (box.roomWidth !== undefined && box.roomWidth < box.width * MIN_ROOM) continue;
    const clash = shown.some(
      (other) => Math.abs(other.x - box.x) * 2 < other.width + box.width + gap * 2 && Math.abs(other.y - box.y) * 2 < other.height + box.height + gap * 2,
    );
    if (clash) continue;
    shown.push(box);
    visible[i] = true;
  }
  return visible;
}
