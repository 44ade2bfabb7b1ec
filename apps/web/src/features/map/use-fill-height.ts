import { useLayoutEffect, useState, type RefObject } from 'react';

/**
 * The page fills the window below the header, whatever the header holds on this screen. `layout`
 * names what changes the header (the phone layout adds the area filter row): measure again then.
 */
export function useFillHeight(ref: RefObject<HTMLElement | null>, layout: string): number | undefined {
  const [height, setHeight] = useState<number>();
  useLayoutEffect(() => {
    const update = () => {
      const top = (ref.current?.getBoundingClientRect().top ?? 0) + window.scrollY;
      setHeight(Math.max(320, window.innerHeight - Math.max(0, top)));
    };
    update();
    window.addEventListener('resize', update);
    return () => window.removeEventListener('resize', update);
  }, [ref, layout]);
  return height;
}
