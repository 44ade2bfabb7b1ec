// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { divisionFileContentType, editionSource, guessEditionName } from './division-file';

describe('divisionFileContentType', () => {
  it.each([
    ['china_4level_2023.csv', 'text/csv'],
    ['CHINA.CSV', 'text/csv'],
    ['china_5level_2021.csv.gz', 'application/gzip'],
    ['divisions.GZ', 'application/gzip'],
    ['divisions.xlsx', null],
    ['divisions.csv.zip', null],
    ['', null],
  ])('%s -> %s', (name, expected) => {
    expect(divisionFileContentType(name)).toBe(expected);
  });
});

describe('guessEditionName', () => {
  it.each([
    ['china_5level_2021.csv.gz', '2021'],
    ['changzhou_3204_5level_2021.csv', '2021'],
    ['gbt2260_county_2024.csv', '2024'],
    ['2023年统计用区划代码.csv', '2023'],
    ['areas_2021_2023.csv', '2023'],
    ['export_20210630.csv', ''],
    ['divisions.csv', ''],
    ['codes_3204.csv', ''],
  ])('%s -> %j', (name, expected) => {
    expect(guessEditionName(name)).toBe(expected);
  });
});

describe('editionSource', () => {
  it('keeps the name within the 200 characters the server stores', () => {
    expect(editionSource(' china.csv ')).toBe('china.csv');
    expect(editionSource(`${'a'.repeat(250)}.csv`)).toHaveLength(200);
  });
});
