/** The super app's services as the composition root and its routes hold them (built by startSuperApp). */
import type { AccountService } from './accounts.js';
import type { CityCodeService } from './citycode.js';
import type { MyCityService } from './mycity.js';
import type { ScenicService } from './scenic.js';
import type { WalletService } from './wallet.js';

export interface SuperApp {
  accounts: AccountService;
  citycode: CityCodeService;
  wallet: WalletService;
  scenic: ScenicService;
  mycity: MyCityService;
}
