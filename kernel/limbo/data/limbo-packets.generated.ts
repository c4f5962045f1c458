// GENERATED FILE, do not edit. Source: minecraft-data 3.117.0 through minecraft-protocol's serializer.
// Regenerate with `npm run gen:limbo` (node --import tsx kernel/limbo/data/generate.ts); read through ./index.ts.
// PACKETS: [start, end) of each unique packet (id + body) in the uncompressed limbo-packets.bin.br.
// SEQUENCES: per protocol with data, the packets to send in configuration (1.20.2+) and play.
// registryData names minecraft-data's loginPacket.json folder the dimension/registry data came from: where it
// is not the version itself the data is a copy (1.21.4–1.21.8 carry 1.21.3's, 1.21.10 carries 1.21.9's, which
// equals 1.21.1's registries), not yet verified against real clients of those versions.

export type KeepAliveLayout = 'i32' | 'varint' | 'i64';
export interface LimboSequenceIndex {
  readonly protocol: number;
  /** The minecraft-data version whose data was used. */
  readonly version: string;
  /** 1.16+: the loginPacket.json folder of the dimension/registry data (null before 1.16). */
  readonly registryData: string | null;
  readonly keepAlive: KeepAliveLayout;
  readonly configuration: readonly number[];
  readonly play: readonly number[];
}

export const BLOB_BYTES = 609163;
export const PACKETS: readonly (readonly [number, number])[] = [
  [0,14], [14,24], [24,58], [58,71], [71,86], [86,95], [95,110], [110,120], [120,155], [155,164],
  [164,182], [182,191], [191,201], [201,236], [236,245], [245,263], [263,273], [273,308], [308,317], [317,335],
  [335,345], [345,380], [380,389], [389,416], [416,426], [426,461], [461,470], [470,1626], [1626,1635], [1635,32494],
  [32494,32504], [32504,32539], [32539,64106], [64106,64142], [64142,64155], [64155,88153], [88153,112156], [112156,139113], [139113,139123], [139123,139159],
  [139159,139172], [139172,166123], [166123,166159], [166159,166172], [166172,193123], [193123,193136], [193136,226187], [226187,226197], [226197,226232], [226232,226245],
  [226245,265530], [265530,304837], [304837,304838], [304838,304960], [304960,304970], [304970,305005], [305005,305018], [305018,305031], [305031,305037], [305037,327182],
  [327182,328721], [328721,331538], [331538,333575], [333575,335504], [335504,337289], [337289,342339], [342339,347095], [347095,347096], [347096,347202], [347202,347212],
  [347212,347247], [347247,347260], [347260,347266], [347266,350425], [350425,354220], [354220,359497], [359497,364443], [364443,394418], [394418,397624], [397624,408141],
  [408141,413669], [413669,443456], [443456,444859], [444859,444970], [444970,444980], [444980,445042], [445042,445055], [445055,445061], [445061,445172], [445172,445234],
  [445234,445247], [445247,445354], [445354,445364], [445364,445426], [445426,445461], [445461,445467], [445467,465308], [465308,467355], [467355,468972], [468972,470482],
  [470482,472649], [472649,472877], [472877,473098], [473098,473804], [473804,474046], [474046,474302], [474302,474507], [474507,485238], [485238,488506], [488506,494134],
  [494134,525377], [525377,528936], [528936,529030], [529030,529250], [529250,530086], [530086,533807], [533807,533918], [533918,553759], [553759,556757], [556757,561766],
  [561766,562155], [562155,563681], [563681,563902], [563902,565257], [565257,567157], [567157,567587], [567587,567990], [567990,568920], [568920,569361], [569361,573034],
  [573034,604750], [604750,604818], [604818,608945], [608945,609056], [609056,609066], [609066,609128], [609128,609163],
];
export const SEQUENCES: readonly LimboSequenceIndex[] = [
  {protocol: 5, version: '1.7', registryData: null, keepAlive: 'i32', configuration: [], play: [0, 1, 2, 3]},
  {protocol: 47, version: '1.8', registryData: null, keepAlive: 'varint', configuration: [], play: [4, 1, 2, 5]},
  {protocol: 107, version: '1.9', registryData: null, keepAlive: 'varint', configuration: [], play: [6, 7, 8, 9]},
  {protocol: 109, version: '1.9.2', registryData: null, keepAlive: 'varint', configuration: [], play: [10, 7, 8, 9]},
  {protocol: 110, version: '1.9.4', registryData: null, keepAlive: 'varint', configuration: [], play: [10, 7, 8, 9]},
  {protocol: 210, version: '1.10.2', registryData: null, keepAlive: 'varint', configuration: [], play: [10, 7, 8, 9]},
  {protocol: 315, version: '1.11', registryData: null, keepAlive: 'varint', configuration: [], play: [10, 7, 8, 9]},
  {protocol: 316, version: '1.11.2', registryData: null, keepAlive: 'varint', configuration: [], play: [10, 7, 8, 9]},
  {protocol: 335, version: '1.12', registryData: null, keepAlive: 'varint', configuration: [], play: [10, 7, 8, 11]},
  {protocol: 338, version: '1.12.1', registryData: null, keepAlive: 'varint', configuration: [], play: [10, 12, 13, 14]},
  {protocol: 340, version: '1.12.2', registryData: null, keepAlive: 'i64', configuration: [], play: [10, 12, 13, 14]},
  {protocol: 393, version: '1.13', registryData: null, keepAlive: 'i64', configuration: [], play: [15, 16, 17, 18]},
  {protocol: 401, version: '1.13.1', registryData: null, keepAlive: 'i64', configuration: [], play: [15, 16, 17, 18]},
  {protocol: 404, version: '1.13.2', registryData: null, keepAlive: 'i64', configuration: [], play: [15, 16, 17, 18]},
  {protocol: 477, version: '1.14', registryData: null, keepAlive: 'i64', configuration: [], play: [19, 20, 21, 22]},
  {protocol: 480, version: '1.14.1', registryData: null, keepAlive: 'i64', configuration: [], play: [19, 20, 21, 22]},
  {protocol: 490, version: '1.14.3', registryData: null, keepAlive: 'i64', configuration: [], play: [19, 20, 21, 22]},
  {protocol: 498, version: '1.14.4', registryData: null, keepAlive: 'i64', configuration: [], play: [19, 20, 21, 22]},
  {protocol: 573, version: '1.15', registryData: null, keepAlive: 'i64', configuration: [], play: [23, 24, 25, 26]},
  {protocol: 575, version: '1.15.1', registryData: null, keepAlive: 'i64', configuration: [], play: [23, 24, 25, 26]},
  {protocol: 578, version: '1.15.2', registryData: null, keepAlive: 'i64', configuration: [], play: [23, 24, 25, 26]},
  {protocol: 735, version: '1.16', registryData: '1.16', keepAlive: 'i64', configuration: [], play: [27, 20, 21, 28]},
  {protocol: 736, version: '1.16.1', registryData: '1.16', keepAlive: 'i64', configuration: [], play: [27, 20, 21, 28]},
  {protocol: 751, version: '1.16.2', registryData: '1.16.2', keepAlive: 'i64', configuration: [], play: [29, 30, 31, 28]},
  {protocol: 753, version: '1.16.3', registryData: '1.16.2', keepAlive: 'i64', configuration: [], play: [29, 30, 31, 28]},
  {protocol: 754, version: '1.16.5', registryData: '1.16.2', keepAlive: 'i64', configuration: [], play: [29, 30, 31, 28]},
  {protocol: 755, version: '1.17', registryData: '1.17', keepAlive: 'i64', configuration: [], play: [32, 24, 33, 34]},
  {protocol: 756, version: '1.17.1', registryData: '1.17', keepAlive: 'i64', configuration: [], play: [32, 24, 33, 34]},
  {protocol: 757, version: '1.18.1', registryData: '1.18', keepAlive: 'i64', configuration: [], play: [35, 24, 33, 34]},
  {protocol: 758, version: '1.18.2', registryData: '1.18.2', keepAlive: 'i64', configuration: [], play: [36, 24, 33, 34]},
  {protocol: 759, version: '1.19', registryData: '1.19', keepAlive: 'i64', configuration: [], play: [37, 38, 39, 40]},
  {protocol: 760, version: '1.19.2', registryData: '1.19.2', keepAlive: 'i64', configuration: [], play: [41, 20, 42, 43]},
  {protocol: 761, version: '1.19.3', registryData: '1.19.2', keepAlive: 'i64', configuration: [], play: [44, 30, 33, 45]},
  {protocol: 762, version: '1.19.4', registryData: '1.19.4', keepAlive: 'i64', configuration: [], play: [46, 47, 48, 49]},
  {protocol: 763, version: '1.20.1', registryData: '1.20', keepAlive: 'i64', configuration: [], play: [50, 47, 48, 49]},
  {protocol: 764, version: '1.20.2', registryData: '1.20.2', keepAlive: 'i64', configuration: [51, 52], play: [53, 54, 55, 56]},
  {protocol: 765, version: '1.20.4', registryData: '1.20.2', keepAlive: 'i64', configuration: [51, 52], play: [53, 54, 55, 57, 58]},
  {protocol: 766, version: '1.20.6', registryData: '1.20.5', keepAlive: 'i64', configuration: [59, 60, 61, 62, 63, 64, 65, 66, 67], play: [68, 69, 70, 71, 72]},
  {protocol: 767, version: '1.21.1', registryData: '1.21.1', keepAlive: 'i64', configuration: [59, 60, 73, 62, 63, 74, 64, 75, 76, 77, 78, 67], play: [68, 69, 70, 71, 72]},
  {protocol: 768, version: '1.21.3', registryData: '1.21.3', keepAlive: 'i64', configuration: [59, 60, 73, 62, 63, 79, 64, 80, 76, 81, 78, 82, 67], play: [83, 84, 85, 86, 87]},
  {protocol: 769, version: '1.21.4', registryData: '1.21.3', keepAlive: 'i64', configuration: [59, 60, 73, 62, 63, 79, 64, 80, 76, 81, 78, 82, 67], play: [83, 84, 85, 86, 87]},
  {protocol: 770, version: '1.21.5', registryData: '1.21.3', keepAlive: 'i64', configuration: [59, 60, 73, 62, 63, 79, 64, 80, 76, 81, 78, 82, 67], play: [88, 1, 89, 90, 72]},
  {protocol: 771, version: '1.21.6', registryData: '1.21.3', keepAlive: 'i64', configuration: [59, 60, 73, 62, 63, 79, 64, 80, 76, 81, 78, 82, 67], play: [88, 1, 89, 90, 72]},
  {protocol: 772, version: '1.21.8', registryData: '1.21.3', keepAlive: 'i64', configuration: [59, 60, 73, 62, 63, 79, 64, 80, 76, 81, 78, 82, 67], play: [88, 1, 89, 90, 72]},
  {protocol: 773, version: '1.21.10', registryData: '1.21.9', keepAlive: 'i64', configuration: [59, 60, 73, 62, 63, 74, 64, 75, 76, 77, 78, 67], play: [91, 92, 93, 94, 95]},
  {protocol: 774, version: '1.21.11', registryData: '1.21.11', keepAlive: 'i64', configuration: [96, 60, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 76, 110, 111, 82, 112, 113, 114, 115, 67], play: [116, 92, 93, 94, 95]},
  {protocol: 775, version: '26.1', registryData: '26.1', keepAlive: 'i64', configuration: [117, 60, 97, 98, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 106, 107, 129, 109, 76, 130, 111, 82, 112, 113, 114, 131, 132, 67], play: [133, 134, 135, 136, 95]},
];
