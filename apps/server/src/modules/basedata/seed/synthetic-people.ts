/**
 * The invented people the demo and the load-test generator are made of: common surnames and given
 * names, the counties floating residents come from, occupations and schooling. Synthetic only.
 */
export const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
export const GIVEN_MALE = ['伟', '强', '磊', '军', '勇', '杰', '涛', '斌', '超', '明', '刚', '平', '辉', '鹏', '华', '飞', '鑫', '波', '宇', '浩', '凯', '健', '俊', '帆', '建国', '志强', '海涛', '文博', '子轩', '宇航', '俊杰', '浩然', '建华', '国平', '德明', '永强'];
export const GIVEN_FEMALE = ['芳', '娜', '敏', '静', '丽', '艳', '娟', '霞', '秀英', '婷', '雪', '玲', '桂英', '丹', '萍', '红', '琳', '欣怡', '梓涵', '雨桐', '思雨', '佳怡', '秀兰', '淑珍', '美玲', '晓燕', '丽华', '玉梅', '春梅', '海燕'];
/** Where floating residents come from: region codes of counties in Anhui, Henan, Sichuan, Jiangxi, Hubei. */
export const SOURCE_REGIONS = [
  { code: '341221', place: '安徽省阜阳市临泉县' },
  { code: '341623', place: '安徽省亳州市利辛县' },
  { code: '411627', place: '河南省周口市太康县' },
  { code: '412828', place: '河南省驻马店市新蔡县' },
  { code: '511621', place: '四川省广安市岳池县' },
  { code: '362123', place: '江西省赣州市南康区' },
  { code: '420983', place: '湖北省孝感市广水市' },
];
export const OCCUPATIONS = ['工人', '职员', '个体经营', '教师', '司机', '快递员', '退休', '学生', '务农', '医护人员', '厨师', '保安', '销售'];
export const EDUCATION = ['小学', '初中', '高中', '中专', '大专', '本科', '研究生'];
