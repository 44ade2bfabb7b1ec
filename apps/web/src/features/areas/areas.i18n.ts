/** 区域 (areas.*): the Chinese strings, the source of the keys. */
export const areasZhCN = {
  title: '区域',
  tree: '区域树',
  searchPlaceholder: '按名称或代码搜索',
  searchResults: '搜索结果',
  noResults: '没有匹配的区域',
  details: '区域详情',
  selectHint: '请在左侧选择一个区域查看详情',
  name: '名称',
  code: '代码',
  level: '层级',
  path: '所属路径',
  childCount: '下级数量',
  children: '下级区域',
  useAsFilter: '设为当前区域',
  showOnMap: '在地图上查看',
};

/** The English strings; the type keeps their keys in step with the Chinese. */
export const areasEnUS: typeof areasZhCN = {
  title: 'Areas',
  tree: 'Area tree',
  searchPlaceholder: 'Search by name or code',
  searchResults: 'Search results',
  noResults: 'No matching areas',
  details: 'Area details',
  selectHint: 'Select an area on the left to see its details',
  name: 'Name',
  code: 'Code',
  level: 'Level',
  path: 'Path',
  childCount: 'Sub-areas',
  children: 'Sub-areas',
  useAsFilter: 'Make current area',
  showOnMap: 'Show on the map',
};
